"""Parsing of plain text values shared by settings, query parameters and imports."""

TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no"})
BOOLEAN_HELP = "Use true or false (also 1/0, yes/no)."


def parse_bool(text: str) -> bool:
    """true/false, 1/0 or yes/no, in any case; anything else raises ValueError."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{text!r} is not a boolean. {BOOLEAN_HELP}")
