// The live view's screen as text: a LiveSnapshot and the selected tab to
// the lines a terminal shows, and what each key does. Pure functions, so
// the view's content is tested without a terminal (the curses front end,
// curses_screen.h, only paints these lines).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/live/live_snapshot.h"

namespace crashtwin::live {

enum class Tab : uint8_t { overview, memory, cache, stacks, numa };
inline constexpr size_t kTabCount = 5;
const char* tab_title(Tab tab);  // "Overview", "Memory", "Cache", "Stacks", "NUMA"

// Keys the view understands, whatever the terminal sends for them.
enum class Key : uint8_t { quit, next_tab, previous_tab, tab_1, tab_2, tab_3, tab_4, tab_5, other };
// `key` pressed on `current`: the tab to show.
Tab after_key(Tab current, Key key);

// Every line of the screen, at most `height` lines of at most `width`
// characters: the run and its progress, the tab bar, the tab, the keys.
std::vector<std::string> render_frame(const LiveSnapshot& snapshot, Tab tab, size_t width, size_t height);

// Just the tab's body (what render_frame shows under the tab bar).
std::vector<std::string> render_tab(const LiveSnapshot& snapshot, Tab tab);

// Amounts as the view writes them.
std::string bytes_text(double bytes);             // "1023 B", "12.0 MiB", "1.50 GiB"
std::string rate_text(double bytes_per_s);        // "2.00 GB/s" (decimal, as bandwidths are quoted)
std::string seconds_text(uint64_t ns);            // "12.300 s"

}  // namespace crashtwin::live
