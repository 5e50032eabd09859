// The grid of `crashtwin sweep`: which scenario values vary and over what.
// Each `--vary` names one dotted scenario key (the same paths `run --set`
// takes) and its values, either a comma list or a geometric range:
//   --vary agent.minimum_partition_size=4KiB,64KiB,1MiB
//   --vary agent.budget=4MiB..1GiB x8     (8 points, LO and HI included)
// A range takes sizes or durations with units, or plain positive numbers.
// Interior points are rounded to three significant digits in the largest
// unit that does not exceed them ("8.83 MiB", "1.5 h"), with more digits
// only where three would repeat a value; the parser (platform/core/units.h)
// turns them into whole bytes or nanoseconds. Endpoints are written exactly
// in their largest unit (quantity_text.h).
// Several --vary give the cartesian product, the first --vary outermost.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crashtwin::scenario {

struct SweepAxis {
  std::string key;                  // dotted scenario path, e.g. agent.budget
  std::vector<std::string> values;  // each passed as `--set key=value`
};

// Parses the --vary arguments. The shell splits an unquoted
// "KEY=LO..HI xN" into two arguments; an "xN" argument is joined to the range
// before it. On a malformed grid returns nullopt with `problem` set to a
// message that starts with "--vary".
std::optional<std::vector<SweepAxis>> parse_vary(const std::vector<std::string>& arguments, std::string& problem);

struct SweepPoint {
  std::vector<std::pair<std::string, std::string>> settings;  // key, value; one per axis, axis order
  // Directory name of the point: "key=value,key=value" with spaces dropped
  // and characters other than [A-Za-z0-9._=,+-] made '_' (so equal settings
  // always give the same directory and a sweep extended by more points keeps
  // the finished ones). Past 180 characters it is cut and ends in '~' and a
  // hash of the whole name.
  std::string id;
};

// The cartesian product of the axes: the last axis varies fastest.
std::vector<SweepPoint> expand_grid(const std::vector<SweepAxis>& axes);

// The directory name of a point's settings (SweepPoint::id).
std::string point_id(const std::vector<std::pair<std::string, std::string>>& settings);

}  // namespace crashtwin::scenario
