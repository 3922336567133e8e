#include "cli/mcp/fd_stream.hpp"

#include <csignal>
#include <istream>
#include <ostream>
#include <thread>
#include <unistd.h>

#include <doctest/doctest.h>

#include "cli/mcp/line_reader.hpp"

namespace agentry::cli::mcp {

namespace {

struct Pipe {
  Pipe() { REQUIRE(::pipe(fds) == 0); }
  ~Pipe() {
    close_read();
    close_write();
  }
  void write(std::string_view text) const {
    REQUIRE(::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  }
  void close_read() {
    if (fds[0] >= 0) ::close(fds[0]);
    fds[0] = -1;
  }
  void close_write() {
    if (fds[1] >= 0) ::close(fds[1]);
    fds[1] = -1;
  }
  int fds[2] = {-1, -1};
};

}  // namespace

TEST_CASE("FdInputBuf feeds a LineReader from a pipe until the writer closes") {
  Pipe pipe;
  FdInputBuf buf(pipe.fds[0]);
  std::istream in(&buf);
  LineReader reader(in, 1024);
  pipe.write("{\"a\":1}\n{\"b\"");
  std::string line;
  REQUIRE(reader.next(line) == LineStatus::kLine);
  CHECK(line == "{\"a\":1}");
  std::thread writer([&] {
    pipe.write(":2}\n");
    pipe.close_write();
  });
  REQUIRE(reader.next(line) == LineStatus::kLine);
  CHECK(line == "{\"b\":2}");
  CHECK(reader.next(line) == LineStatus::kEnd);
  writer.join();
}

TEST_CASE("FdInputBuf::interrupt ends a blocked read") {
  Pipe pipe;  // the write end stays open: only the interrupt can end the read
  FdInputBuf buf(pipe.fds[0]);
  std::istream in(&buf);
  LineReader reader(in, 1024);
  std::string line;
  LineStatus status = LineStatus::kLine;
  std::thread blocked([&] { status = reader.next(line); });
  buf.interrupt();
  blocked.join();
  CHECK(status == LineStatus::kEnd);
  buf.interrupt();  // idempotent
  CHECK(reader.next(line) == LineStatus::kEnd);
}

TEST_CASE("FdOutputBuf writes on flush and fails once the reader is gone") {
  Pipe pipe;
  FdOutputBuf buf(UniqueFd(::dup(pipe.fds[1])));
  std::ostream out(&buf);
  out << "hello\n" << std::flush;
  char got[16] = {};
  REQUIRE(::read(pipe.fds[0], got, sizeof got) == 6);
  CHECK(std::string(got) == "hello\n");

  auto previous = std::signal(SIGPIPE, SIG_IGN);  // as `agentry mcp` does
  pipe.close_read();
  out << "lost\n" << std::flush;
  CHECK_FALSE(out.good());
  std::signal(SIGPIPE, previous);
}

}  // namespace agentry::cli::mcp
