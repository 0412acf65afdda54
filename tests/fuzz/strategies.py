"""What the fuzz tests send: a bounded, derandomized Hypothesis profile and the values people (and robots) type."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# derandomize: the examples come from a fixed seed, so CI sees the same ones every run; database=None: nothing is
# written under .hypothesis/. Each test sets its own max_examples to stay within its time.
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=50,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Numbers of every shape and size, as typed into a form.
ODD_NUMBERS = st.sampled_from(
    [
        *("", " ", "0", "-0", "-1", "-0.01", "0.001", "12.345", "1,000", "1，000", "  7  ", "1_000", "0x10"),
        *("1e30", "-1e30", "1e100000", "1E-100000", "NaN", "-Infinity", "Infinity", "９９", "٣", "²", "9" * 40),
    ]
)
NUMBERS = st.one_of(
    ODD_NUMBERS,
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
# Any text at all: NUL and control characters, markup, very long values; never lone surrogates, which no browser
# can send.
ODD_TEXT = st.sampled_from(
    ["\x00", "a\x00b", "<script>alert(1)</script>", "' OR 1=1 --", "\u202e\ufeff", "𠀀𪚥", "\r\n", "{{ 7|add:1 }}"]
)
TEXT = st.one_of(ODD_TEXT, st.text(max_size=200), st.integers(min_value=200, max_value=20_000).map(lambda n: "长" * n))
VALUES = st.one_of(NUMBERS, TEXT)
PLAUSIBLE = st.integers(min_value=0, max_value=5_000_000).map(str)  # so that valid forms happen too

# What a JSON client may send as one input: the same strings, and numbers, booleans, null, lists and objects.
JSON_VALUES = st.one_of(
    PLAUSIBLE,
    VALUES,
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
