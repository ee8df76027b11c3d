// Small HTTP client over libcurl: GET into memory, HEAD, and a resumable, verified file download.
// Every transfer has a connect timeout and a low-speed limit, so a dead network fails, never hangs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pe::net {

struct RequestOptions {
    std::vector<std::string> headers;  // "Name: value" lines added to the request
    long connect_timeout_s = 15;       // includes name resolution
    long low_speed_bytes = 512;        // abort when slower than this ...
    long low_speed_time_s = 30;        // ... for this long
    long max_time_s = 0;               // whole transfer; 0 = no limit (large files)
    bool follow_redirects = true;
    // get() keeps at most this many body bytes and fails past them: API answers are small, and a
    // lying or broken server must not fill memory. Headers are capped at max_header_bytes in all.
    uint64_t max_body_bytes = uint64_t(64) << 20;
    // Appended to transport failures (no DNS, refused, timed out): how to proceed without network.
    std::string offline_hint;
};

struct Response {
    long status = 0;
    std::string body;
    std::string effective_url;
    std::map<std::string, std::string> headers;  // of the last response; names lower-case
    std::optional<std::string> header(const std::string& lower_name) const;
};

// Throw pe::Error (io) on transport failures, naming the URL and the offline hint. HTTP error
// statuses are returned, not thrown: the caller knows what a 401 or 404 means for its URL.
Response get(const std::string& url, const RequestOptions& options);
Response head(const std::string& url, const RequestOptions& options);

struct DownloadOptions {
    RequestOptions request;
    std::optional<std::string> sha256;    // verify the finished file (lower-case hex)
    std::optional<std::string> git_sha1;  // or its git blob id
    uint64_t max_bytes = 0;               // the size the server declared: more is refused (0: unknown)
    int max_retries = 3;                  // automatic resumes after a cut transfer
    std::string part_path;                // default: dest + ".part"
    std::function<void(uint64_t done_bytes, uint64_t total_bytes)> progress;  // total 0 if unknown
};

// Downloads `url` to `dest`: bytes go to the part file, an existing part file is resumed with a
// Range request, the result is verified and renamed into place. A cut transfer is resumed up to
// max_retries times; after that the part file stays for the next run. Throws pe::Error.
void download_file(const std::string& url, const std::string& dest, const DownloadOptions& options);
// The same from the first of `urls` that works: a transport failure, an HTTP error or a wrong hash
// moves on to the next (after a 10 s connect timeout on all but the last), and the last URL's error
// is the one thrown. For files with mirrors.
void download_file(std::span<const std::string> urls, const std::string& dest, const DownloadOptions& options);

// "HTTP 404 Not Found" and the like.
std::string status_text(long status);

}  // namespace pe::net
