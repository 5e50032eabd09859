// `crashtwin dataset` (usage: docs/training.md "Dataset"): runs
// scenarios across seeds and writes the labelled feature windows the trainer
// reads. SystemC elaborates once per process, so each (scenario, seed) runs
// in a child process (`crashtwin dataset-run`, hidden) that records through
// the runner's extra observers into a partial CSV; the parent merges the
// partials in sorted order, so the same inputs give the same bytes.
// Registered by main.cpp; exits like the training commands (training_commands.h).
#pragma once

#include <CLI/CLI.hpp>

namespace crashtwin::cli {

void add_dataset_commands(CLI::App& app);

}  // namespace crashtwin::cli
