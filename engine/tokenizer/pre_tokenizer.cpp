// GPT-2 regex split with Oniguruma (neox-gguf-tokenizer.md §4.3 step 2), searched the way HF's
// find_iter does: from the end of one match to the next, default syntax, no options.
#include "engine/tokenizer/pre_tokenizer.hpp"

#include <oniguruma.h>

#include <memory>
#include <mutex>
#include <string>

#include "engine/error.hpp"

namespace pe::tokenizer {

namespace {

std::string onig_message(int code, OnigErrorInfo* info) {
    OnigUChar buf[ONIG_MAX_ERROR_MESSAGE_LEN];
    int n = info ? onig_error_code_to_str(buf, code, info) : onig_error_code_to_str(buf, code);
    return std::string(reinterpret_cast<const char*>(buf), size_t(n > 0 ? n : 0));
}

struct RegionDeleter {
    void operator()(OnigRegion* r) const { onig_region_free(r, 1); }
};

}  // namespace

PreTokenizer::PreTokenizer() {
    static std::once_flag once;
    std::call_once(once, [] {
        OnigEncoding encodings[] = {ONIG_ENCODING_UTF8};
        onig_initialize(encodings, 1);
    });
    OnigRegex re = nullptr;
    OnigErrorInfo info;
    auto p = reinterpret_cast<const OnigUChar*>(gpt2_pattern.data());
    int rc = onig_new(&re, p, p + gpt2_pattern.size(), ONIG_OPTION_NONE, ONIG_ENCODING_UTF8,
                      ONIG_SYNTAX_DEFAULT, &info);
    if (rc != ONIG_NORMAL) throw Error(ErrorKind::internal, "", "pre_tokenizer", "Oniguruma: " + onig_message(rc, &info));
    regex_ = re;
}

PreTokenizer::~PreTokenizer() {
    if (regex_) onig_free(static_cast<OnigRegex>(regex_));
}

void PreTokenizer::split(std::string_view text, std::vector<std::string_view>& out) const {
    // One region per thread: onig_search writes the match bounds into it.
    thread_local std::unique_ptr<OnigRegion, RegionDeleter> region(onig_region_new());
    auto re = static_cast<OnigRegex>(regex_);
    auto str = reinterpret_cast<const OnigUChar*>(text.data());
    auto end = str + text.size();
    size_t pos = 0;
    while (pos < text.size()) {
        int at = onig_search(re, str, end, str + pos, end, region.get(), ONIG_OPTION_NONE);
        if (at == ONIG_MISMATCH) break;
        if (at < 0) throw Error(ErrorKind::internal, "", "pre_tokenizer", "Oniguruma: " + onig_message(at, nullptr));
        size_t match_end = size_t(region->end[0]);
        if (size_t(at) > pos) out.push_back(text.substr(pos, size_t(at) - pos));
        if (match_end == size_t(at)) {
            // The pattern cannot match empty text; stop rather than loop if it ever did.
            throw Error(ErrorKind::internal, "", "pre_tokenizer", "empty regex match");
        }
        out.push_back(text.substr(size_t(at), match_end - size_t(at)));
        pos = match_end;
    }
    if (pos < text.size()) out.push_back(text.substr(pos));
}

}  // namespace pe::tokenizer
