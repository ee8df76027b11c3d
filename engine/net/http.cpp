// libcurl easy-interface wrapper behind http.hpp. Errors name the URL; transport failures carry the
// caller's offline hint (HF_HUB_OFFLINE=1, --model path, --data-dir) so the fix is in the message.
#include "engine/net/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "engine/error.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/net/digest.hpp"

namespace pe::net {

namespace fs = std::filesystem;

namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Easy {
    CURL* h = nullptr;
    curl_slist* headers = nullptr;
    Easy() {
        global_init();
        h = curl_easy_init();
        if (!h) throw Error(ErrorKind::internal, "", "curl", "curl_easy_init failed");
    }
    ~Easy() {
        if (headers) curl_slist_free_all(headers);
        if (h) curl_easy_cleanup(h);
    }
    Easy(const Easy&) = delete;
    Easy& operator=(const Easy&) = delete;
};

constexpr uint64_t max_header_bytes = 1 << 20;  // all headers of all responses of one request

// What perform() hands the callbacks: the response being filled and the caps it obeys.
struct Receiving {
    Response* r;
    uint64_t max_body_bytes;
    uint64_t header_bytes = 0;
    bool body_too_large = false, headers_too_large = false;
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* in = static_cast<Receiving*>(user);
    in->header_bytes += size * n;
    if (in->header_bytes > max_header_bytes) {
        in->headers_too_large = true;
        return 0;  // aborts the transfer
    }
    Response* r = in->r;
    std::string line(data, size * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.rfind("HTTP/", 0) == 0) {
        r->headers.clear();  // a new response (after a redirect or a 100-continue)
        return size * n;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) return size * n;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    size_t v = colon + 1;
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
    r->headers[name] = line.substr(v);
    return size * n;
}

size_t on_body_to_string(char* data, size_t size, size_t n, void* user) {
    auto* in = static_cast<Receiving*>(user);
    if (size * n > in->max_body_bytes - in->r->body.size()) {
        in->body_too_large = true;
        return 0;  // aborts the transfer
    }
    in->r->body.append(data, size * n);
    return size * n;
}

void apply_options(Easy& e, const std::string& url, const RequestOptions& o) {
    curl_easy_setopt(e.h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e.h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e.h, CURLOPT_CONNECTTIMEOUT, o.connect_timeout_s);
    curl_easy_setopt(e.h, CURLOPT_LOW_SPEED_LIMIT, o.low_speed_bytes);
    curl_easy_setopt(e.h, CURLOPT_LOW_SPEED_TIME, o.low_speed_time_s);
    if (o.max_time_s > 0) curl_easy_setopt(e.h, CURLOPT_TIMEOUT, o.max_time_s);
    curl_easy_setopt(e.h, CURLOPT_FOLLOWLOCATION, o.follow_redirects ? 1L : 0L);
    curl_easy_setopt(e.h, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(e.h, CURLOPT_USERAGENT, "pythia-eval/0.1 (libcurl)");
    // Plain bytes: an LFS file's sha256 must be computed over exactly what is stored.
    curl_easy_setopt(e.h, CURLOPT_ACCEPT_ENCODING, nullptr);
    for (const auto& h : o.headers) e.headers = curl_slist_append(e.headers, h.c_str());
    if (e.headers) curl_easy_setopt(e.h, CURLOPT_HTTPHEADER, e.headers);
}

std::string host_of(const std::string& url) {
    auto s = url.find("://");
    s = s == std::string::npos ? 0 : s + 3;
    auto e = url.find_first_of("/:?", s);
    return url.substr(s, e == std::string::npos ? std::string::npos : e - s);
}

Error transport_error(const std::string& url, CURLcode code, const char* errbuf, const std::string& hint) {
    std::string what;
    switch (code) {
        case CURLE_COULDNT_RESOLVE_HOST:
            what = "cannot resolve host '" + host_of(url) + "' (no network?)";
            break;
        case CURLE_COULDNT_RESOLVE_PROXY: what = "cannot resolve the proxy (no network?)"; break;
        case CURLE_COULDNT_CONNECT: what = "cannot connect to '" + host_of(url) + "' (no network or refused)"; break;
        case CURLE_OPERATION_TIMEDOUT: what = "timed out (" + std::string(errbuf) + ")"; break;
        default:
            what = std::string(curl_easy_strerror(code));
            if (errbuf && *errbuf) what += " (" + std::string(errbuf) + ")";
    }
    if (!hint.empty()) what += ". " + hint;
    return Error(ErrorKind::io, url, "", what);
}

bool is_transient(CURLcode code) {
    return code == CURLE_PARTIAL_FILE || code == CURLE_OPERATION_TIMEDOUT || code == CURLE_RECV_ERROR ||
           code == CURLE_SEND_ERROR || code == CURLE_GOT_NOTHING || code == CURLE_HTTP2 ||
           code == CURLE_HTTP2_STREAM;
}

Response perform(const std::string& url, const RequestOptions& o, bool head_only) {
    Easy e;
    Response r;
    Receiving in{&r, o.max_body_bytes};
    apply_options(e, url, o);
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(e.h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e.h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e.h, CURLOPT_HEADERDATA, &in);
    if (head_only) {
        curl_easy_setopt(e.h, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(e.h, CURLOPT_WRITEFUNCTION, on_body_to_string);
        curl_easy_setopt(e.h, CURLOPT_WRITEDATA, &in);
    }
    CURLcode code = curl_easy_perform(e.h);
    if (in.body_too_large)
        throw_bad_input(url, "response", "body larger than " + std::to_string(o.max_body_bytes) +
                                             " bytes, far more than an answer of this kind holds; refused");
    if (in.headers_too_large)
        throw_bad_input(url, "response", "headers larger than " + std::to_string(max_header_bytes) + " bytes; refused");
    if (code != CURLE_OK) throw transport_error(url, code, errbuf, o.offline_hint);
    curl_easy_getinfo(e.h, CURLINFO_RESPONSE_CODE, &r.status);
    char* eff = nullptr;
    curl_easy_getinfo(e.h, CURLINFO_EFFECTIVE_URL, &eff);
    r.effective_url = eff ? eff : url;
    return r;
}

// State of one download attempt, shared with the libcurl callbacks.
struct Transfer {
    CURL* h = nullptr;
    std::FILE* file = nullptr;
    Digest* digest = nullptr;
    uint64_t offset = 0;     // bytes already in the part file when this attempt started
    uint64_t written = 0;    // bytes in the part file now
    bool started = false;
    long status = 0;
    std::string error_body;  // first bytes of an error response, for the message
    bool write_failed = false;
    bool too_large = false;  // more bytes than options->max_bytes
    const DownloadOptions* options = nullptr;
};

size_t on_body_to_file(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t bytes = size * n;
    if (!t->started) {
        t->started = true;
        curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &t->status);
        if (t->status == 200 && t->offset > 0) {
            // The server ignored our Range: start the part file over.
            if (std::fflush(t->file) != 0 || ftruncate(fileno(t->file), 0) != 0 ||
                std::fseek(t->file, 0, SEEK_SET) != 0) {
                t->write_failed = true;
                return 0;
            }
            t->digest->reset();
            t->offset = t->written = 0;
        }
    }
    if (t->status != 200 && t->status != 206) {
        // Enough of an error page for the message; an endless one is cut off, not read to its end.
        if (t->error_body.size() >= 2048) return 0;
        t->error_body.append(data, std::min<size_t>(bytes, 2048));
        return bytes;
    }
    if (t->options->max_bytes > 0 && bytes > t->options->max_bytes - std::min(t->written, t->options->max_bytes)) {
        t->too_large = true;
        return 0;
    }
    if (std::fwrite(data, 1, bytes, t->file) != bytes) {
        t->write_failed = true;
        return 0;
    }
    t->digest->update(data, bytes);
    t->written += bytes;
    return bytes;
}

int on_progress(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    if (t->options->progress && (t->status == 0 || t->status == 200 || t->status == 206)) {
        uint64_t total = dltotal > 0 ? t->offset + static_cast<uint64_t>(dltotal) : 0;
        t->options->progress(t->offset + static_cast<uint64_t>(dlnow), total);
    }
    return 0;
}

void hash_existing(Digest& d, const std::string& path, uint64_t size) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw_io(path, "cannot reopen the partial download");
    std::vector<char> buf(1 << 20);
    uint64_t left = size;
    while (left > 0) {
        size_t n = std::fread(buf.data(), 1, std::min<uint64_t>(left, buf.size()), f);
        if (n == 0) break;
        d.update(buf.data(), n);
        left -= n;
    }
    std::fclose(f);
    if (left != 0) throw_io(path, "short read of the partial download");
}

std::string short_body(const std::string& body) {
    std::string s = body.substr(0, 200);
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

}  // namespace

std::optional<std::string> Response::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

std::string status_text(long status) {
    const char* reason = "";
    switch (status) {
        case 400: reason = " Bad Request"; break;
        case 401: reason = " Unauthorized"; break;
        case 403: reason = " Forbidden"; break;
        case 404: reason = " Not Found"; break;
        case 416: reason = " Range Not Satisfiable"; break;
        case 429: reason = " Too Many Requests"; break;
        case 500: reason = " Internal Server Error"; break;
        case 502: reason = " Bad Gateway"; break;
        case 503: reason = " Service Unavailable"; break;
        default: break;
    }
    return "HTTP " + std::to_string(status) + reason;
}

Response get(const std::string& url, const RequestOptions& options) { return perform(url, options, false); }
Response head(const std::string& url, const RequestOptions& options) { return perform(url, options, true); }

namespace {

constexpr long mirror_connect_timeout_s = 10;  // a mirror that does not answer soon gives way to the next

// One URL: nullopt when `dest` is in place, else what went wrong with the server or the bytes it
// sent (transport, HTTP status, hash), for download_file to report or to try the next URL. Local
// trouble (the part file cannot be written or moved) throws: another URL would not help.
std::string part_path_of(const std::string& dest, const DownloadOptions& options) {
    return options.part_path.empty() ? dest + ".part" : options.part_path;
}

std::optional<Error> try_download(const std::string& url, const std::string& dest, const DownloadOptions& options) {
    const std::string part = part_path_of(dest, options);
    if (auto parent = fs::path(part).parent_path(); !parent.empty()) fs::create_directories(parent);
    Digest digest(options.sha256 ? DigestKind::sha256 : DigestKind::sha1);
    const bool verify = options.sha256 || options.git_sha1;

    for (int attempt = 0;; ++attempt) {
        std::error_code ec;
        uint64_t offset = fs::exists(part, ec) ? fs::file_size(part, ec) : 0;
        if (ec) offset = 0;
        digest.reset();
        // A git blob id hashes a header holding the total size first, so it cannot be streamed
        // across a resume; it is checked over the finished file instead.
        if (options.sha256 && offset > 0) hash_existing(digest, part, offset);

        std::FILE* file = std::fopen(part.c_str(), offset > 0 ? "ab" : "wb");
        if (!file) throw_io(part, "cannot open for writing");
        Easy e;
        apply_options(e, url, options.request);
        char errbuf[CURL_ERROR_SIZE] = {0};
        Transfer t;
        t.h = e.h;
        t.file = file;
        t.digest = &digest;
        t.offset = t.written = offset;
        t.options = &options;
        curl_easy_setopt(e.h, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(e.h, CURLOPT_WRITEFUNCTION, on_body_to_file);
        curl_easy_setopt(e.h, CURLOPT_WRITEDATA, &t);
        curl_easy_setopt(e.h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(e.h, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(e.h, CURLOPT_XFERINFODATA, &t);
        // A plain Range header (not CURLOPT_RESUME_FROM) so that a server answering 200 with the
        // whole file is handled here (start over) rather than failing the transfer.
        const std::string range = std::to_string(offset) + "-";
        if (offset > 0) curl_easy_setopt(e.h, CURLOPT_RANGE, range.c_str());
        CURLcode code = curl_easy_perform(e.h);
        long status = 0;
        curl_easy_getinfo(e.h, CURLINFO_RESPONSE_CODE, &status);
        if (code == CURLE_WRITE_ERROR && !t.write_failed && !t.too_large && status != 200 && status != 206)
            code = CURLE_OK;  // we stopped reading an error page: report its status below
        bool close_failed = std::fclose(file) != 0;
        if (t.write_failed || close_failed) throw_io(part, "write failed (disk full?)");
        if (t.too_large) {
            std::error_code ignore;
            fs::remove(part, ignore);
            return Error(ErrorKind::bad_input, url, "size",
                         "the server sent more than the " + std::to_string(options.max_bytes) +
                             " bytes it declared (the download was removed)");
        }

        if (code == CURLE_OK && status == 416) {
            // Nothing left to send: the part file may already be complete; verification decides.
            if (offset == 0) return Error(ErrorKind::io, url, "", status_text(416));
        } else if (code != CURLE_OK) {
            if (is_transient(code) && attempt < options.max_retries) {
                std::this_thread::sleep_for(std::chrono::milliseconds(500 * (attempt + 1)));
                continue;
            }
            if (is_transient(code))
                return Error(ErrorKind::io, url, "",
                             std::string(curl_easy_strerror(code)) + " after " + std::to_string(t.written) +
                                 " bytes; run the command again to resume from " + part);
            return transport_error(url, code, errbuf, options.request.offline_hint);
        } else if (status != 200 && status != 206) {
            std::error_code ignore;
            if (offset == 0) fs::remove(part, ignore);
            std::string msg = status_text(status);
            if (!t.error_body.empty()) msg += ": " + short_body(t.error_body);
            return Error(ErrorKind::io, url, "", msg);
        }

        if (verify) {
            std::string got = options.sha256 ? digest.hex() : git_blob_sha1_file(part);
            const std::string& want = options.sha256 ? *options.sha256 : *options.git_sha1;
            if (got != want) {
                std::error_code ignore;
                fs::remove(part, ignore);
                return Error(ErrorKind::bad_input, url, options.sha256 ? "sha256" : "git blob sha1",
                             got + ", expected " + want + " (the download was removed; run again to retry)");
            }
        }
        io::commit_file(part, dest);
        return std::nullopt;
    }
}

}  // namespace

void download_file(const std::string& url, const std::string& dest, const DownloadOptions& options) {
    if (auto error = try_download(url, dest, options)) throw *error;
}

void download_file(std::span<const std::string> urls, const std::string& dest, const DownloadOptions& options) {
    if (urls.empty()) throw Error(ErrorKind::internal, dest, "urls", "no URL to download from");
    for (size_t i = 0; i + 1 < urls.size(); ++i) {
        DownloadOptions o = options;
        o.request.connect_timeout_s = mirror_connect_timeout_s;  // a mirror follows
        if (!try_download(urls[i], dest, o)) return;
        std::error_code ec;
        fs::remove(part_path_of(dest, options), ec);  // a part file from one server is no use to the next
    }
    // The last URL as a single download: its error is the one reported, and a cut transfer keeps its
    // part file for the next run, as its message says.
    download_file(urls.back(), dest, options);
}

}  // namespace pe::net
