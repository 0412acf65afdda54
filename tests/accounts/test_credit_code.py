import pytest
from django.core.exceptions import ValidationError

from accounts.credit_code import check_character, validate_credit_code


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "91350100m000100y43"])
def test_it_accepts_published_codes(code):
    validate_credit_code(code)


def test_it_computes_the_check_character_of_the_standard_example():
    assert check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "校验位不正确"),
        ("91350100M000100Y34", "校验位不正确"),  # two characters swapped
        ("91350100M000100Y4", "应为18位"),
        ("91350100M00010OY43", "不能包含字符：O"),
        ("", "应为18位"),
    ],
)
def test_it_refuses_a_mistyped_code_with_a_clear_message(code, message):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert message in str(error.value.messages[0] % (error.value.params or {}))
