// A small strict JSON reader for the runner's plan (emulator/contract/plan.schema.json). It accepts
// exactly RFC 8259 JSON and reads objects through `Fields`, which names every missing, mistyped or
// unknown key, so a plan written by another version of the Python side fails loudly, never silently.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace emu::json {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Value {
    enum class Kind : uint8_t { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
    bool boolean = false;
    double number = 0;
    std::string text;  // String: the decoded string; Number: the literal as written
    std::vector<Value> items;
    std::vector<std::pair<std::string, Value>> members;
};

Value parse(const std::string& text);

const char* kind_name(Value::Kind kind);

// One JSON object whose keys are each read once; done() rejects the keys nobody read. It points into the
// parsed document, which must outlive it.
class Fields {
public:
    Fields(const Value& object, std::string where);

    uint32_t u32(const char* key);
    uint64_t u64(const char* key);
    double number(const char* key);
    bool boolean(const char* key);
    std::string string(const char* key);
    std::vector<uint32_t> u32_list(const char* key);
    const std::vector<Value>& array(const char* key);
    Fields object(const char* key);
    bool take_null(const char* key);  // present and null: consumed, true; present otherwise: false
    const std::string& where() const { return where_; }
    void done() const;

    static uint32_t as_u32(const Value& v, const std::string& where);

private:
    const Value& take(const char* key, Value::Kind kind);
    std::map<std::string, const Value*> unread_;
    std::string where_;
};

}  // namespace emu::json
