"""The unified social credit code (统一社会信用代码) of GB 32100-2015 and its check character."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The 31 characters the standard uses: digits and capitals without I, O, Z, S and V.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """Return the check character for the first 17 characters of a code."""
    total = sum(CHARSET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_credit_code(value: str) -> None:
    """Raise ValidationError, in the user's language, unless value is a well-formed code with a correct check."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位，您输入了%(n)s位。"), code="length", params={"n": len(code)})
    wrong = sorted({char for char in code if char not in CHARSET})
    if wrong:
        raise ValidationError(
            _("统一社会信用代码不能包含字符：%(chars)s（不使用字母I、O、Z、S、V）。"),
            code="charset",
            params={"chars": "、".join(wrong)},
        )
    if check_character(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对是否输错。"), code="check")
