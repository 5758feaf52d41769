"""Spec expressions (C++ integer arithmetic over arg names) and CB conditions (preprocessor)."""
from __future__ import annotations

import pytest

from agents.spec_tools.expressions import ExpressionError, parse_condition, parse_int


@pytest.mark.parametrize("text,env,value", [
    ("2*Wt/B", {"Wt": 8, "B": 4}, 4),
    ("2*Wt/B", {"Wt": 6, "B": 4}, 3),  # C++ unsigned division truncates
    ("(Wt + 1) % B", {"Wt": 6, "B": 4}, 3),
    (7, {}, 7),
    ("Wt - B", {"Wt": 5, "B": 2}, 3),
])
def test_integer_expressions_evaluate_like_cpp(text, env, value):
    assert parse_int(text).evaluate(env) == value


def test_names_are_reported():
    assert parse_int("2*Wt/B + per").names() == {"Wt", "B", "per"}


@pytest.mark.parametrize("text,match", [
    ("a//b", "only names, integer literals"),
    ("-1", "UnaryOp is not allowed"),
    ("x**2", "operator Pow is not allowed"),
    ("f(x)", "Call is not allowed"),
    ("1.5", "only names, integer literals"),
    ("a +", "not a valid expression"),
    ("", "only names"),
])
def test_other_syntax_is_refused(text, match):
    with pytest.raises(ExpressionError, match=match):
        parse_int(text)


def test_evaluation_errors_name_the_expression():
    with pytest.raises(ExpressionError, match=r"'Wt/B': division by zero"):
        parse_int("Wt/B").evaluate({"Wt": 4, "B": 0})
    with pytest.raises(ExpressionError, match=r"'Wt': 'Wt' has no integer value here"):
        parse_int("Wt").evaluate({})
    with pytest.raises(ExpressionError, match=r"negative intermediate -1"):
        parse_int("B - Wt").evaluate({"Wt": 2, "B": 1})


@pytest.mark.parametrize("text,defines,holds", [
    ("defined(FUSE_GAMMA)", {"FUSE_GAMMA": "1"}, True),
    ("defined(FUSE_GAMMA)", {}, False),
    ("defined FUSE_GAMMA && !defined(FUSE_BETA)", {"FUSE_GAMMA": "1"}, True),
    ("defined FUSE_GAMMA && !defined(FUSE_BETA)", {"FUSE_GAMMA": "1", "FUSE_BETA": "1"}, False),
    ("(defined(A) || defined(B)) && 1", {"B": "1"}, True),
    ("0 || !(defined(A))", {}, True),
])
def test_conditions_follow_the_preprocessor(text, defines, holds):
    assert parse_condition(text).holds(defines) is holds


@pytest.mark.parametrize("text,match", [
    ("defined(", "'defined' needs a macro name"),
    ("X > 1", "cannot read '> 1'"),
    ("defined(A) &&", "ends too early"),
    ("FUSE", "unexpected 'FUSE'"),
    ("(defined(A)", "missing '\\)'"),
])
def test_bad_conditions_are_refused(text, match):
    with pytest.raises(ExpressionError, match=match):
        parse_condition(text)
