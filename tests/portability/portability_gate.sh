#!/usr/bin/env bash
# Portability gate: the firmware code (platform/, policies/) must build as a
# platform team would build it for a BMC or boot firmware, and must not reach
# for the heap, exceptions, or host-only libraries.
#
#   portability_gate.sh CXX REPO_ROOT OUT_DIR SOURCE_DIR...
#
# Compiles every .cpp below each SOURCE_DIR with -fno-exceptions -fno-rtti,
# rejects any include of a host-only header in the sources and headers, then
# scans the objects with nm. Exit 0 when clean, 1 with every offending file and
# symbol listed.
set -u
cxx=$1 root=$2 out=$3
shift 3
mkdir -p "$out"
status=0
forbidden='(^| )(malloc|calloc|realloc|free|aligned_alloc|posix_memalign|strdup)$|operator new|operator delete|__cxa_throw|std::__throw_|__cxa_allocate_exception|__cxa_begin_catch|sc_core::|tlm::|YAML::|(^| )Q[A-Z][A-Za-z]+::|std::ios_base::Init|std::cout|std::cerr|std::filesystem'
forbidden_includes='#[[:space:]]*include[[:space:]]*[<"](systemc|tlm|yaml-cpp/|Q[A-Za-z]+|QtCore|QtWidgets|iostream|fstream|sstream|filesystem|thread|mutex|nlohmann/|fmt/|spdlog/|Eigen/)'
count=0
for dir in "$@"; do
  bad_includes=$(grep -rnE "$forbidden_includes" --include='*.h' --include='*.hpp' --include='*.cpp' "$dir")
  if [ -n "$bad_includes" ]; then
    echo "FAIL includes: host-only headers in portable code:"
    echo "$bad_includes" | sed "s|$root/||; s/^/    /"
    status=1
  fi
  while IFS= read -r -d '' src; do
    obj="$out/$(echo "${src#"$root"/}" | tr '/' '_').o"
    if ! "$cxx" -std=c++20 -O2 -fno-exceptions -fno-rtti -fno-threadsafe-statics \
         -I "$root" -c "$src" -o "$obj" 2>"$obj.log"; then
      echo "FAIL compile: ${src#"$root"/} (with -fno-exceptions -fno-rtti, repository include path only)"
      sed 's/^/    /' "$obj.log" | head -20
      status=1
      continue
    fi
    count=$((count + 1))
    bad=$(nm -C "$obj" | sed -E 's/^[0-9a-f ]{16,} //; s/^ *[A-Za-z] //' | grep -E "$forbidden" | sort -u)
    if [ -n "$bad" ]; then
      echo "FAIL symbols: ${src#"$root"/} references:"
      echo "$bad" | sed 's/^/    /'
      status=1
    fi
  done < <(find "$dir" -name '*.cpp' -print0 | sort -z)
done
echo "portability gate: $count object(s) scanned, $( [ $status -eq 0 ] && echo clean || echo VIOLATIONS)"
exit $status
