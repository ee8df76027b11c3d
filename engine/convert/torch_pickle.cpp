// The pickle VM: a value stack, a mark stack and a memo, with a closed set of opcodes and globals.
// Values nest at most max_depth deep so that hostile input cannot recurse the destructor into a crash.
#include "engine/convert/torch_pickle.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <unordered_map>

#include "engine/error.hpp"

namespace pe::convert {

namespace {

constexpr int max_depth = 32;
constexpr size_t max_stack = 1 << 20;
// A one-byte opcode can create a value of ~250 bytes, or add a 16-byte reference to a tuple or
// dict: bounds on both keep a small hostile pickle from costing gigabytes. A state dict needs ~20
// values and ~40 references per tensor, so these allow ~10k tensors (Pythia-12b has 580).
constexpr size_t max_values = 1 << 18;
constexpr size_t max_references = 1 << 20;

struct Obj;
using Ref = std::shared_ptr<Obj>;

enum class Kind { none, boolean, integer, string, tuple, dict, global, storage, tensor };

const char* kind_name(Kind k) {
    switch (k) {
        case Kind::none: return "None";
        case Kind::boolean: return "bool";
        case Kind::integer: return "int";
        case Kind::string: return "str";
        case Kind::tuple: return "tuple";
        case Kind::dict: return "dict";
        case Kind::global: return "global";
        case Kind::storage: return "storage";
        case Kind::tensor: return "tensor";
    }
    return "?";
}

enum class Global { ordered_dict, rebuild_tensor_v2, storage_class };

struct Obj {
    Kind kind = Kind::none;
    int depth = 1;
    int64_t i = 0;          // integer, boolean
    std::string s;          // string; storage key
    std::vector<Ref> items; // tuple; dict as key, value, key, value...
    Global global{};        // global
    SourceDType dtype{};    // storage class (global) and storage
    PickledTensor tensor;   // tensor (name filled in at the end)
};

class Vm {
public:
    Vm(std::span<const std::byte> b, const std::string& file, const std::string& field)
        : b_(b), file_(file), field_(field) {}
    // Dicts are the only mutable values, so every reference cycle runs through one: emptying them
    // all first frees everything without recursion deeper than max_depth.
    ~Vm() {
        for (const Ref& d : dicts_) d->items.clear();
    }
    Vm(const Vm&) = delete;
    Vm& operator=(const Vm&) = delete;

    std::vector<PickledTensor> run();

private:
    [[noreturn]] void fail(const std::string& msg) const { throw_bad_input(file_, field_, msg, op_at_); }
    [[noreturn]] void fail_unsupported(const std::string& msg) const {
        throw Error(ErrorKind::unsupported, file_, field_, msg, op_at_);
    }

    uint64_t take(size_t n) {
        if (n > b_.size() - pos_) fail("truncated: opcode argument runs past the end");
        uint64_t v = 0;
        for (size_t k = 0; k < n; ++k) v |= uint64_t(std::to_integer<uint8_t>(b_[pos_ + k])) << (8 * k);
        pos_ += n;
        return v;
    }
    std::string take_bytes(uint64_t n) {
        if (n > b_.size() - pos_) fail("truncated: string of " + std::to_string(n) + " bytes runs past the end");
        std::string s(reinterpret_cast<const char*>(b_.data() + pos_), size_t(n));
        pos_ += size_t(n);
        return s;
    }
    std::string take_line() {
        std::string s;
        while (true) {
            if (pos_ >= b_.size()) fail("truncated: unterminated GLOBAL name");
            const char c = char(b_[pos_++]);
            if (c == '\n') return s;
            if (s.size() > 256) fail("GLOBAL name too long");
            s += c;
        }
    }

    void push(Ref r) {
        if (stack_.size() >= max_stack) fail("stack too deep");
        stack_.push_back(std::move(r));
    }
    Ref pop() {
        if (stack_.size() <= floor()) fail("stack underflow");
        Ref r = std::move(stack_.back());
        stack_.pop_back();
        return r;
    }
    Ref& top() {
        if (stack_.size() <= floor()) fail("stack underflow");
        return stack_.back();
    }
    size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
    std::vector<Ref> pop_to_mark() {
        if (marks_.empty()) fail("no MARK to pop to");
        std::vector<Ref> items(stack_.begin() + std::ptrdiff_t(marks_.back()), stack_.end());
        stack_.resize(marks_.back());
        marks_.pop_back();
        return items;
    }

    Ref make(Kind k) {
        if (++n_values_ > max_values)
            fail("more than " + std::to_string(max_values) + " values: far more than a state dict holds");
        auto r = std::make_shared<Obj>();
        r->kind = k;
        if (k == Kind::dict) dicts_.push_back(r);
        return r;
    }
    Ref make_int(int64_t v) {
        Ref r = make(Kind::integer);
        r->i = v;
        return r;
    }
    void count_references(size_t n) {
        n_references_ += n;
        if (n_references_ > max_references)
            fail("more than " + std::to_string(max_references) + " references: far more than a state dict holds");
    }
    Ref make_tuple(std::vector<Ref> items) {
        count_references(items.size());
        Ref r = make(Kind::tuple);
        for (const Ref& x : items) r->depth = std::max(r->depth, x->depth + 1);
        if (r->depth > max_depth) fail("values nested too deeply");
        r->items = std::move(items);
        return r;
    }
    void dict_set(Obj& d, Ref k, Ref v) {
        if (d.kind != Kind::dict) fail(std::string("SETITEM on a ") + kind_name(d.kind) + ", expected a dict");
        count_references(2);
        d.depth = std::max({d.depth, k->depth + 1, v->depth + 1});
        if (d.depth > max_depth) fail("values nested too deeply");
        d.items.push_back(std::move(k));
        d.items.push_back(std::move(v));
    }

    Ref make_global(const std::string& module, const std::string& name);
    Ref reduce(const Ref& callable, const Ref& args);
    Ref persistent_load(const Ref& pid);
    uint64_t as_uint(const Ref& r, const char* what) {
        if (r->kind != Kind::integer || r->i < 0) fail(std::string(what) + ": expected a non-negative int");
        return uint64_t(r->i);
    }
    std::vector<uint64_t> as_uint_tuple(const Ref& r, const char* what) {
        if (r->kind != Kind::tuple) fail(std::string(what) + ": expected a tuple");
        if (r->items.size() > 8) fail(std::string(what) + ": more than 8 dimensions");
        std::vector<uint64_t> v;
        for (const Ref& x : r->items) v.push_back(as_uint(x, what));
        return v;
    }

    std::span<const std::byte> b_;
    const std::string& file_;
    const std::string& field_;
    size_t pos_ = 0, op_at_ = 0, n_values_ = 0, n_references_ = 0;
    std::vector<Ref> stack_;
    std::vector<size_t> marks_;
    std::unordered_map<uint32_t, Ref> memo_;
    std::vector<Ref> dicts_;
};

Ref Vm::make_global(const std::string& module, const std::string& name) {
    Ref g = make(Kind::global);
    if (module == "collections" && name == "OrderedDict") {
        g->global = Global::ordered_dict;
    } else if (module == "torch._utils" && name == "_rebuild_tensor_v2") {
        g->global = Global::rebuild_tensor_v2;
    } else if (module == "torch" && (name == "FloatStorage" || name == "HalfStorage" || name == "BFloat16Storage" ||
                                     name == "BoolStorage" || name == "ByteStorage")) {
        // Bool and Byte only ever hold the causal-mask buffers that are skipped (older transformers
        // saved attention.bias as either).
        g->global = Global::storage_class;
        g->dtype = name == "FloatStorage" ? SourceDType::f32
                   : name == "HalfStorage" ? SourceDType::f16
                   : name == "BFloat16Storage" ? SourceDType::bf16
                   : name == "BoolStorage" ? SourceDType::boolean : SourceDType::u8;
    } else {
        fail_unsupported("unsupported pickle global " + module + "." + name +
                         " (only plain state dicts of float16/bfloat16/float32 tensors are read)");
    }
    return g;
}

// The persistent id torch writes per storage: ('storage', <StorageClass>, key, location, numel).
Ref Vm::persistent_load(const Ref& pid) {
    if (pid->kind != Kind::tuple || pid->items.size() != 5 || pid->items[0]->kind != Kind::string ||
        pid->items[0]->s != "storage")
        fail("persistent id is not ('storage', class, key, location, numel)");
    const Ref& cls = pid->items[1];
    if (cls->kind != Kind::global || cls->global != Global::storage_class)
        fail("persistent id: second item is not a torch storage class");
    if (pid->items[2]->kind != Kind::string) fail("persistent id: storage key is not a string");
    Ref s = make(Kind::storage);
    s->dtype = cls->dtype;
    s->s = pid->items[2]->s;
    s->i = int64_t(as_uint(pid->items[4], "persistent id numel"));
    return s;
}

Ref Vm::reduce(const Ref& callable, const Ref& args) {
    if (callable->kind != Kind::global) fail(std::string("REDUCE on a ") + kind_name(callable->kind));
    if (args->kind != Kind::tuple) fail("REDUCE arguments are not a tuple");
    switch (callable->global) {
        case Global::ordered_dict:
            if (!args->items.empty()) fail("OrderedDict called with arguments");
            return make(Kind::dict);
        case Global::rebuild_tensor_v2: {
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            const auto& a = args->items;
            if (a.size() != 6 && a.size() != 7) fail("_rebuild_tensor_v2 expects 6 or 7 arguments");
            if (a[0]->kind != Kind::storage) fail("_rebuild_tensor_v2: first argument is not a storage");
            if (a[5]->kind != Kind::dict || !a[5]->items.empty())
                fail_unsupported("tensor with backward hooks");
            if (a.size() == 7 && a[6]->kind != Kind::none && !(a[6]->kind == Kind::dict && a[6]->items.empty()))
                fail_unsupported("tensor with python metadata");
            Ref t = make(Kind::tensor);
            t->tensor.dtype = a[0]->dtype;
            t->tensor.storage_key = a[0]->s;
            t->tensor.storage_numel = uint64_t(a[0]->i);
            t->tensor.storage_offset = as_uint(a[1], "storage offset");
            t->tensor.shape = as_uint_tuple(a[2], "size");
            t->tensor.stride = as_uint_tuple(a[3], "stride");
            if (t->tensor.shape.size() != t->tensor.stride.size()) fail("size and stride differ in length");
            return t;
        }
        case Global::storage_class: fail("a storage class cannot be called");
    }
    fail("unreachable");
}

std::vector<PickledTensor> Vm::run() {
    while (true) {
        op_at_ = pos_;
        if (pos_ >= b_.size()) fail("truncated: no STOP opcode");
        const uint8_t op = std::to_integer<uint8_t>(b_[pos_++]);
        switch (op) {
            case 0x80: if (take(1) > 5) fail_unsupported("pickle protocol above 5"); break;  // PROTO
            case 0x95: take(8); break;                                                     // FRAME
            case '(': marks_.push_back(stack_.size()); break;                              // MARK
            case 'N': push(make(Kind::none)); break;
            case 0x88: case 0x89: { Ref r = make(Kind::boolean); r->i = op == 0x88; push(r); break; }
            case 'K': push(make_int(int64_t(take(1)))); break;                             // BININT1
            case 'M': push(make_int(int64_t(take(2)))); break;                             // BININT2
            case 'J': push(make_int(int64_t(int32_t(uint32_t(take(4)))))); break;          // BININT
            case 0x8a: {                                                                   // LONG1
                const uint64_t n = take(1);
                if (n > 8) fail_unsupported("integer wider than 64 bits");
                uint64_t v = n ? take(size_t(n)) : 0;
                if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t(0) << (8 * n);  // sign-extend
                push(make_int(int64_t(v)));
                break;
            }
            case 'X': case 0x8c: case 0x8d: {                          // BINUNICODE, SHORT_, BINUNICODE8
                const uint64_t n = take(op == 'X' ? 4 : op == 0x8c ? 1 : 8);
                Ref r = make(Kind::string);
                r->s = take_bytes(n);
                push(r);
                break;
            }
            case ')': push(make_tuple({})); break;
            case 't': push(make_tuple(pop_to_mark())); break;
            case 0x85: case 0x86: case 0x87: {                                             // TUPLE1..3
                std::vector<Ref> items(size_t(op - 0x84));
                for (size_t k = items.size(); k-- > 0;) items[k] = pop();
                push(make_tuple(std::move(items)));
                break;
            }
            case '}': push(make(Kind::dict)); break;
            case 's': { Ref v = pop(), k = pop(); dict_set(*top(), k, v); break; }         // SETITEM
            case 'u': {                                                                    // SETITEMS
                std::vector<Ref> kv = pop_to_mark();
                if (kv.size() % 2) fail("SETITEMS with an odd number of items");
                Ref& d = top();
                for (size_t k = 0; k < kv.size(); k += 2) dict_set(*d, kv[k], kv[k + 1]);
                break;
            }
            case 'c': {                                                                    // GLOBAL
                std::string module = take_line();
                std::string name = take_line();
                push(make_global(module, name));
                break;
            }
            case 0x93: {                                                                   // STACK_GLOBAL
                Ref name = pop(), module = pop();
                if (name->kind != Kind::string || module->kind != Kind::string) fail("STACK_GLOBAL needs two strings");
                push(make_global(module->s, name->s));
                break;
            }
            case 'q': count_references(1); memo_[uint32_t(take(1))] = top(); break;        // BINPUT
            case 'r': count_references(1); memo_[uint32_t(take(4))] = top(); break;        // LONG_BINPUT
            case 0x94: {                                                                   // MEMOIZE
                count_references(1);
                const uint32_t k = uint32_t(memo_.size());
                memo_[k] = top();
                break;
            }
            case 'h': case 'j': {                                                          // BINGET, LONG_BINGET
                const uint32_t k = uint32_t(take(op == 'h' ? 1 : 4));
                auto it = memo_.find(k);
                if (it == memo_.end()) fail("memo key " + std::to_string(k) + " was never stored");
                push(it->second);
                break;
            }
            case 'Q': { Ref pid = pop(); push(persistent_load(pid)); break; }              // BINPERSID
            case 'R': { Ref args = pop(), fn = pop(); push(reduce(fn, args)); break; }     // REDUCE
            case 'b': {                                                                    // BUILD
                // torch sets the state dict's `_metadata` attribute this way; it is not needed.
                Ref state = pop();
                if (top()->kind != Kind::dict || state->kind != Kind::dict)
                    fail("BUILD is only accepted on an OrderedDict with a dict state");
                break;
            }
            case '.': {                                                                    // STOP
                Ref result = pop();
                if (result->kind != Kind::dict) fail(std::string("the pickle holds a ") + kind_name(result->kind) + ", expected a state dict");
                std::vector<PickledTensor> out;
                for (size_t k = 0; k < result->items.size(); k += 2) {
                    const Ref& key = result->items[k];
                    const Ref& val = result->items[k + 1];
                    if (key->kind != Kind::string) fail("state dict key is not a string");
                    if (val->kind != Kind::tensor)
                        fail("state dict entry '" + key->s + "' is a " + kind_name(val->kind) + ", expected a tensor");
                    out.push_back(val->tensor);
                    out.back().name = key->s;
                }
                return out;
            }
            default: {
                static constexpr char hex[] = "0123456789abcdef";
                fail_unsupported(std::string("unsupported pickle opcode 0x") + hex[op >> 4] + hex[op & 15]);
            }
        }
    }
}

}  // namespace

std::vector<PickledTensor> parse_torch_pickle(std::span<const std::byte> bytes, const std::string& file,
                                              const std::string& field) {
    Vm vm(bytes, file, field);
    return vm.run();
}

}  // namespace pe::convert
