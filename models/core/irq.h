// Interrupt lines. A model drives an `IrqOut` port (named `irq`, or after
// what it signals) and receives on an `IrqIn`; the board connects them with
// an `IrqLine`, a named signal that shows up in VCD traces under its
// hierarchical name (board.irq_dram). Level-triggered: the line stays high
// while the device has an unacknowledged condition.
//
// Lines allow several writer processes (a fault injector's thread raising, a
// model's method clearing on acknowledge), never two in the same delta.
#pragma once

#include <systemc>

namespace crashtwin {

using IrqOut = sc_core::sc_out<bool>;
using IrqIn = sc_core::sc_in<bool>;

class IrqLine : public sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS> {
 public:
  explicit IrqLine(const char* name) : sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS>(name, false) {}
};

}  // namespace crashtwin
