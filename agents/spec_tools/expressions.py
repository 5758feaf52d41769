"""The two small languages a spec speaks: integer expressions (CB traffic and sizes) and the
preprocessor conditions that switch CBs on and off.

Both are pasted verbatim into generated C++, and both are also evaluated here, on the values a
Program actually passes, so that the builder can check a spec against its descriptor before any
kernel runs. Only the subsets with one obvious meaning in both worlds are accepted.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Mapping, Union

_INT_OPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
            ast.Div: lambda a, b: a // b, ast.Mod: lambda a, b: a % b}
_EXPR_CHARS = re.compile(r"^[A-Za-z0-9_+*/%() -]+$")


class ExpressionError(ValueError):
    """An expression outside the accepted subset, or one that cannot be evaluated."""


@dataclass(frozen=True)
class IntExpr:
    """An unsigned integer expression over arg names: + - * / % and parentheses, C++ semantics."""

    text: str
    tree: ast.expr

    def names(self) -> set[str]:
        return {n.id for n in ast.walk(self.tree) if isinstance(n, ast.Name)}

    def evaluate(self, env: Mapping[str, int]) -> int:
        return _eval_int(self.tree, env, self.text)


def parse_int(value: Union[int, str]) -> IntExpr:
    """Accepts an int >= 0 or a string such as '2*Wt/B'."""
    text = str(value).strip()
    if not text or not _EXPR_CHARS.match(text) or "//" in text:
        raise ExpressionError(f"expression {text!r}: only names, integer literals, + - * / % and parentheses")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as e:
        raise ExpressionError(f"expression {text!r}: not a valid expression ({e.msg})") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and type(node.op) in _INT_OPS:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
            continue
        if isinstance(node, (ast.Name, ast.Load)) or type(node) in _INT_OPS:
            continue
        what = f"operator {type(node.op).__name__}" if isinstance(node, ast.BinOp) else type(node).__name__
        raise ExpressionError(f"expression {text!r}: {what} is not allowed "
                              "(only names, integer literals, + - * / % and parentheses)")
    return IntExpr(text, tree)


def _eval_int(node: ast.expr, env: Mapping[str, int], text: str) -> int:
    if isinstance(node, ast.Constant):
        return int(node.value)
    if isinstance(node, ast.Name):
        if node.id not in env:
            raise ExpressionError(f"expression {text!r}: {node.id!r} has no integer value here")
        return int(env[node.id])
    assert isinstance(node, ast.BinOp)
    left, right = _eval_int(node.left, env, text), _eval_int(node.right, env, text)
    if isinstance(node.op, (ast.Div, ast.Mod)) and right == 0:
        raise ExpressionError(f"expression {text!r}: division by zero")
    result = _INT_OPS[type(node.op)](left, right)
    if result < 0:
        raise ExpressionError(f"expression {text!r}: negative intermediate {result} (uint32_t would wrap)")
    return result


_COND_TOKEN = re.compile(r"\s*(defined|&&|\|\||!|\(|\)|[A-Za-z_][A-Za-z0-9_]*|[0-9]+)")


@dataclass(frozen=True)
class Condition:
    """A preprocessor condition: defined(NAME), !, &&, ||, parentheses, 0 and 1."""

    text: str
    tokens: tuple[str, ...]

    def holds(self, defines: Mapping[str, str]) -> bool:
        value, rest = _cond_or(list(self.tokens), defines, self.text)
        if rest:
            raise ExpressionError(f"condition {self.text!r}: unexpected {rest[0]!r}")
        return value


def parse_condition(text: str) -> Condition:
    tokens, pos = [], 0
    while pos < len(text):
        m = _COND_TOKEN.match(text, pos)
        if not m or not m.group(1):
            if text[pos:].strip() == "":
                break
            raise ExpressionError(f"condition {text!r}: cannot read {text[pos:].strip()!r} (use defined(NAME), "
                                  "!, &&, || and parentheses)")
        tokens.append(m.group(1))
        pos = m.end()
    condition = Condition(text, tuple(tokens))
    condition.holds({})  # proves the grammar
    return condition


def _cond_or(tokens: list[str], defines: Mapping[str, str], text: str) -> tuple[bool, list[str]]:
    value, tokens = _cond_and(tokens, defines, text)
    while tokens and tokens[0] == "||":
        right, tokens = _cond_and(tokens[1:], defines, text)
        value = value or right
    return value, tokens


def _cond_and(tokens: list[str], defines: Mapping[str, str], text: str) -> tuple[bool, list[str]]:
    value, tokens = _cond_unary(tokens, defines, text)
    while tokens and tokens[0] == "&&":
        right, tokens = _cond_unary(tokens[1:], defines, text)
        value = value and right
    return value, tokens


def _cond_unary(tokens: list[str], defines: Mapping[str, str], text: str) -> tuple[bool, list[str]]:
    if not tokens:
        raise ExpressionError(f"condition {text!r}: ends too early")
    head, rest = tokens[0], tokens[1:]
    if head == "!":
        value, rest = _cond_unary(rest, defines, text)
        return not value, rest
    if head == "(":
        value, rest = _cond_or(rest, defines, text)
        if not rest or rest[0] != ")":
            raise ExpressionError(f"condition {text!r}: missing ')'")
        return value, rest[1:]
    if head == "defined":
        if len(rest) >= 3 and rest[0] == "(" and rest[2] == ")" and _is_name(rest[1]):
            return rest[1] in defines, rest[3:]
        if rest and _is_name(rest[0]):
            return rest[0] in defines, rest[1:]
        raise ExpressionError(f"condition {text!r}: 'defined' needs a macro name")
    if head in ("0", "1"):
        return head == "1", rest
    raise ExpressionError(f"condition {text!r}: unexpected {head!r} (use defined(NAME), !, &&, || and parentheses)")


def _is_name(token: str) -> bool:
    return bool(re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", token)) and token != "defined"
