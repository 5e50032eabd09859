#include "scenarios/live/curses_screen.h"

#include <unistd.h>

#include <algorithm>

#include <curses.h>

namespace crashtwin::live {
namespace {

// Lines drawn bold: the run and its progress, the tab bar.
constexpr size_t kHeaderLines = 3;
// How long ncurses waits after ESC for the rest of an arrow key's sequence.
constexpr int kEscapeDelayMs = 25;

Key key_of(int ch) {
  switch (ch) {
    case 'q':
    case 'Q': return Key::quit;
    case '\t':
    case KEY_RIGHT: return Key::next_tab;
    case KEY_BTAB:
    case KEY_LEFT: return Key::previous_tab;
    case '1': return Key::tab_1;
    case '2': return Key::tab_2;
    case '3': return Key::tab_3;
    case '4': return Key::tab_4;
    case '5': return Key::tab_5;
    default: return Key::other;
  }
}

}  // namespace

void CursesScreen::open() {
  if (screen_ != nullptr) return;
  std::fflush(stderr);
  stderr_capture_ = std::tmpfile();
  if (stderr_capture_ != nullptr) {
    saved_stderr_ = dup(STDERR_FILENO);
    if (saved_stderr_ >= 0) dup2(fileno(stderr_capture_), STDERR_FILENO);
  }
  screen_ = newterm(nullptr, stdout, stdin);
  if (screen_ != nullptr) {
    set_term(screen_);
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(kEscapeDelayMs);
  }
}

CursesScreen::~CursesScreen() { close(); }

void CursesScreen::close() {
  if (screen_ != nullptr) {
    endwin();
    delscreen(screen_);
    screen_ = nullptr;
    std::fflush(stdout);
  }
  if (saved_stderr_ >= 0) {
    std::fflush(stderr);
    dup2(saved_stderr_, STDERR_FILENO);
    ::close(saved_stderr_);
    saved_stderr_ = -1;
  }
  if (stderr_capture_ != nullptr) {
    std::rewind(stderr_capture_);
    char buffer[4096];
    size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, stderr_capture_)) > 0) std::fwrite(buffer, 1, n, stderr);
    std::fclose(stderr_capture_);
    stderr_capture_ = nullptr;
  }
}

size_t CursesScreen::width() const { return screen_ != nullptr ? static_cast<size_t>(std::max(COLS, 0)) : 0; }
size_t CursesScreen::height() const { return screen_ != nullptr ? static_cast<size_t>(std::max(LINES, 0)) : 0; }

void CursesScreen::draw(const std::vector<std::string>& lines) {
  if (screen_ == nullptr) return;
  erase();
  for (size_t i = 0; i < lines.size() && i < height(); ++i) {
    if (i < kHeaderLines) attron(A_BOLD);
    mvaddnstr(static_cast<int>(i), 0, lines[i].c_str(), static_cast<int>(width()));
    if (i < kHeaderLines) attroff(A_BOLD);
  }
  refresh();
}

std::optional<Key> CursesScreen::next_key(int timeout_ms) {
  if (screen_ == nullptr) return std::nullopt;
  timeout(timeout_ms);
  const int ch = getch();
  if (ch == ERR) return std::nullopt;
  return key_of(ch);
}

}  // namespace crashtwin::live
