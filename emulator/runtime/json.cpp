// The strict JSON reader of json.h: recursive descent over RFC 8259, errors with the byte offset.
#include "json.h"

#include <cmath>
#include <cstdlib>

namespace emu::json {
namespace {

class Parser {
public:
    explicit Parser(const std::string& text) : s_(text) {}

    Value document() {
        Value v = value(0);
        skip_space();
        if (pos_ != s_.size()) {
            fail("trailing characters after the JSON document");
        }
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw Error("JSON syntax at byte " + std::to_string(pos_) + ": " + what);
    }

    void skip_space() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) {
            ++pos_;
        }
    }

    bool eat(char c) {
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    void expect(char c) {
        if (!eat(c)) {
            fail(std::string("expected '") + c + "'");
        }
    }

    bool literal(const char* word) {
        const std::string w(word);
        if (s_.compare(pos_, w.size(), w) == 0) {
            pos_ += w.size();
            return true;
        }
        return false;
    }

    Value value(int depth) {
        if (depth > 64) {
            fail("nesting deeper than 64");
        }
        skip_space();
        if (pos_ >= s_.size()) {
            fail("unexpected end of input");
        }
        Value v;
        const char c = s_[pos_];
        if (c == '{') {
            ++pos_;
            v.kind = Value::Kind::Object;
            if (!eat('}')) {
                do {
                    skip_space();
                    std::string key = string();
                    expect(':');
                    for (const auto& [k, _] : v.members) {
                        if (k == key) {
                            fail("duplicate key '" + key + "'");
                        }
                    }
                    v.members.emplace_back(std::move(key), value(depth + 1));
                } while (eat(','));
                expect('}');
            }
        } else if (c == '[') {
            ++pos_;
            v.kind = Value::Kind::Array;
            if (!eat(']')) {
                do {
                    v.items.push_back(value(depth + 1));
                } while (eat(','));
                expect(']');
            }
        } else if (c == '"') {
            v.kind = Value::Kind::String;
            v.text = string();
        } else if (literal("true")) {
            v.kind = Value::Kind::Bool;
            v.boolean = true;
        } else if (literal("false")) {
            v.kind = Value::Kind::Bool;
        } else if (literal("null")) {
            v.kind = Value::Kind::Null;
        } else {
            v.kind = Value::Kind::Number;
            number(v);
        }
        return v;
    }

    void number(Value& v) {
        const size_t begin = pos_;
        auto digits = [&] {
            const size_t from = pos_;
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
                ++pos_;
            }
            if (pos_ == from) {
                fail("malformed number");
            }
        };
        if (s_[pos_] == '-') {
            ++pos_;
        }
        if (pos_ < s_.size() && s_[pos_] == '0') {
            ++pos_;
        } else {
            digits();
        }
        if (pos_ < s_.size() && s_[pos_] == '.') {
            ++pos_;
            digits();
        }
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) {
                ++pos_;
            }
            digits();
        }
        v.text = s_.substr(begin, pos_ - begin);
        v.number = std::strtod(v.text.c_str(), nullptr);
    }

    std::string string() {
        if (pos_ >= s_.size() || s_[pos_] != '"') {
            fail("expected a string");
        }
        ++pos_;
        std::string out;
        while (pos_ < s_.size() && s_[pos_] != '"') {
            char c = s_[pos_++];
            if (static_cast<unsigned char>(c) < 0x20) {
                fail("control character in a string");
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= s_.size()) {
                break;
            }
            c = s_[pos_++];
            switch (c) {
                case '"': case '\\': case '/': out += c; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': out += unicode_escape(); break;
                default: fail(std::string("unknown escape \\") + c);
            }
        }
        if (pos_ >= s_.size()) {
            fail("unterminated string");
        }
        ++pos_;
        return out;
    }

    // \uXXXX as UTF-8 (the plan holds paths; surrogate pairs are refused rather than guessed).
    std::string unicode_escape() {
        if (pos_ + 4 > s_.size()) {
            fail("short \\u escape");
        }
        char* end = nullptr;
        const std::string hex = s_.substr(pos_, 4);
        const unsigned long cp = std::strtoul(hex.c_str(), &end, 16);
        if (end != hex.c_str() + 4 || (cp >= 0xD800 && cp <= 0xDFFF)) {
            fail("bad \\u escape");
        }
        pos_ += 4;
        std::string out;
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
        return out;
    }

    const std::string& s_;
    size_t pos_ = 0;
};

}  // namespace

Value parse(const std::string& text) { return Parser(text).document(); }

const char* kind_name(Value::Kind kind) {
    switch (kind) {
        case Value::Kind::Null: return "null";
        case Value::Kind::Bool: return "a boolean";
        case Value::Kind::Number: return "a number";
        case Value::Kind::String: return "a string";
        case Value::Kind::Array: return "an array";
        case Value::Kind::Object: return "an object";
    }
    return "?";
}

Fields::Fields(const Value& object, std::string where) : where_(std::move(where)) {
    if (object.kind != Value::Kind::Object) {
        throw Error(where_ + ": expected an object, got " + kind_name(object.kind));
    }
    for (const auto& [key, value] : object.members) {
        unread_[key] = &value;
    }
}

const Value& Fields::take(const char* key, Value::Kind kind) {
    const auto it = unread_.find(key);
    if (it == unread_.end()) {
        throw Error(where_ + ": missing key '" + key + "'");
    }
    const Value& v = *it->second;
    if (v.kind != kind) {
        throw Error(where_ + "." + key + ": expected " + kind_name(kind) + ", got " + kind_name(v.kind));
    }
    unread_.erase(it);
    return v;
}

uint32_t Fields::as_u32(const Value& v, const std::string& where) {
    if (v.kind != Value::Kind::Number || v.number != std::floor(v.number) || v.number < 0 || v.number > 4294967295.0) {
        throw Error(where + ": expected an unsigned 32-bit integer, got " +
                    (v.kind == Value::Kind::Number ? v.text : std::string(kind_name(v.kind))));
    }
    return static_cast<uint32_t>(v.number);
}

uint32_t Fields::u32(const char* key) { return as_u32(take(key, Value::Kind::Number), where_ + "." + key); }

uint64_t Fields::u64(const char* key) {
    const Value& v = take(key, Value::Kind::Number);
    if (v.number != std::floor(v.number) || v.number < 0 || v.number > 9007199254740992.0) {
        throw Error(where_ + "." + key + ": expected an unsigned integer, got " + v.text);
    }
    return static_cast<uint64_t>(v.number);
}

double Fields::number(const char* key) { return take(key, Value::Kind::Number).number; }
bool Fields::boolean(const char* key) { return take(key, Value::Kind::Bool).boolean; }
std::string Fields::string(const char* key) { return take(key, Value::Kind::String).text; }
const std::vector<Value>& Fields::array(const char* key) { return take(key, Value::Kind::Array).items; }
Fields Fields::object(const char* key) { return Fields(take(key, Value::Kind::Object), where_ + "." + key); }

std::vector<uint32_t> Fields::u32_list(const char* key) {
    const auto& items = array(key);
    std::vector<uint32_t> out;
    out.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
        out.push_back(as_u32(items[i], where_ + "." + key + "[" + std::to_string(i) + "]"));
    }
    return out;
}

bool Fields::take_null(const char* key) {
    const auto it = unread_.find(key);
    if (it == unread_.end()) {
        throw Error(where_ + ": missing key '" + key + "'");
    }
    if (it->second->kind != Value::Kind::Null) {
        return false;
    }
    unread_.erase(it);
    return true;
}

void Fields::done() const {
    if (!unread_.empty()) {
        throw Error(where_ + ": unknown key '" + unread_.begin()->first + "'");
    }
}

}  // namespace emu::json
