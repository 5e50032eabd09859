// The models' register declarations, one struct per block of the register
// map: each declares its registers as members in a RegisterBank at a base.
// Generated from registers/crashtwin.yaml by regmap-gen (registers/): do not edit.
#pragma once

#include <cstdint>
#include <string>

#include "models/core/register.h"
#include "platform/regs/crashtwin_regs.h"

namespace crashtwin::regs {

// Component unit window: One per component instance a device represents (a CPU core, a DIMM, a
// disk, a NIC): its metrics, its latched error and its state snapshot.
struct UnitRegisters {
  // Reset values the board's configuration decides.
  struct BoardReset {
    uint64_t smbios_handle = 0;
    uint64_t state_kind = 0;
  };

  UnitRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix, const BoardReset& board, uint32_t metric_count = CT_UNIT_METRIC_COUNT)
      : metric(bank, name_prefix + "metric", block_base + CT_UNIT_METRIC(0), metric_count, CT_UNIT_METRIC_STRIDE, CT_UNIT_METRIC_WIDTH, CT_UNIT_METRIC_RESET, Access::ro),
        err_status(bank, name_prefix + "err_status", block_base + CT_UNIT_ERR_STATUS, CT_UNIT_ERR_STATUS_WIDTH, CT_UNIT_ERR_STATUS_RESET, Access::w1c),
        err_type(bank, name_prefix + "err_type", block_base + CT_UNIT_ERR_TYPE, CT_UNIT_ERR_TYPE_WIDTH, CT_UNIT_ERR_TYPE_RESET, Access::ro),
        err_address(bank, name_prefix + "err_address", block_base + CT_UNIT_ERR_ADDRESS, CT_UNIT_ERR_ADDRESS_WIDTH, CT_UNIT_ERR_ADDRESS_RESET, Access::ro),
        err_detail(bank, name_prefix + "err_detail", block_base + CT_UNIT_ERR_DETAIL, CT_UNIT_ERR_DETAIL_WIDTH, CT_UNIT_ERR_DETAIL_RESET, Access::ro),
        err_time(bank, name_prefix + "err_time", block_base + CT_UNIT_ERR_TIME, CT_UNIT_ERR_TIME_WIDTH, CT_UNIT_ERR_TIME_RESET, Access::ro),
        err_count(bank, name_prefix + "err_count", block_base + CT_UNIT_ERR_COUNT, CT_UNIT_ERR_COUNT_WIDTH, CT_UNIT_ERR_COUNT_RESET, Access::ro),
        state_length(bank, name_prefix + "state_length", block_base + CT_UNIT_STATE_LENGTH, CT_UNIT_STATE_LENGTH_WIDTH, CT_UNIT_STATE_LENGTH_RESET, Access::ro),
        smbios_handle(bank, name_prefix + "smbios_handle", block_base + CT_UNIT_SMBIOS_HANDLE, CT_UNIT_SMBIOS_HANDLE_WIDTH, board.smbios_handle, Access::ro),
        state_kind(bank, name_prefix + "state_kind", block_base + CT_UNIT_STATE_KIND, CT_UNIT_STATE_KIND_WIDTH, board.state_kind, Access::ro) {
    state_length.read_changes_state();
  }

  // METRIC: Metric slot i of the unit's component class (platform/core/types.h metric_slot:
  // counters cumulative since reset, gauges instantaneous, in the units the metric names); slots
  // past the class's metrics are not mapped.
  RegisterArray metric;
  // ERR_STATUS: The latched error; the firmware acknowledges by writing VALID.
  Register err_status;
  // ERR_TYPE: ErrorType of the latched error
  Register err_type;
  // ERR_ADDRESS: faulting physical address
  Register err_address;
  // ERR_DETAIL: error-specific syndrome
  Register err_detail;
  // ERR_TIME: simulated time the error was latched (ns)
  Register err_time;
  // ERR_COUNT: errors latched since reset
  Register err_count;
  // STATE_LENGTH: Reading it snapshots the unit's state block into STATE and returns its length in
  // bytes.
  Register state_length;
  // SMBIOS_HANDLE: The SMBIOS handle of the component's structure (a DIMM's Type 17 Memory Device),
  // as the board's SMBIOS tables declare it; 0xFFFF when they declare none.
  Register smbios_handle;
  // STATE_KIND: the StateKind STATE holds (0 register file, 1 error log, 2 queue state)
  Register state_kind;
};

// CPU core sampling timer: A CPU core's sampling timer, in its unit window (boards with per-core
// timers only).
struct CoreTimerRegisters {
  CoreTimerRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix)
      : boundary(bank, name_prefix + "boundary", block_base + CT_CORE_TIMER_BOUNDARY, CT_CORE_TIMER_BOUNDARY_WIDTH, CT_CORE_TIMER_BOUNDARY_RESET, Access::ro),
        delivered(bank, name_prefix + "delivered", block_base + CT_CORE_TIMER_DELIVERED, CT_CORE_TIMER_DELIVERED_WIDTH, CT_CORE_TIMER_DELIVERED_RESET, Access::ro),
        ticks(bank, name_prefix + "ticks", block_base + CT_CORE_TIMER_TICKS, CT_CORE_TIMER_TICKS_WIDTH, CT_CORE_TIMER_TICKS_RESET, Access::ro),
        overruns(bank, name_prefix + "overruns", block_base + CT_CORE_TIMER_OVERRUNS, CT_CORE_TIMER_OVERRUNS_WIDTH, CT_CORE_TIMER_OVERRUNS_RESET, Access::ro) {
  }

  // BOUNDARY: the boundary the latest tick served (ns)
  Register boundary;
  // DELIVERED: when its handler ran (ns)
  Register delivered;
  // TICKS: handlers run since power-on
  Register ticks;
  // OVERRUNS: boundaries skipped since power-on
  Register overruns;
};

// CPU core resource monitoring: A CPU core's RMID association, in its unit window.
struct CoreRegisters {
  CoreRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix)
      : pqr_assoc(bank, name_prefix + "pqr_assoc", block_base + CT_CORE_PQR_ASSOC, CT_CORE_PQR_ASSOC_WIDTH, CT_CORE_PQR_ASSOC_RESET, Access::rw) {
  }

  // PQR_ASSOC: IA32_PQR_ASSOC, the RMID the core tags its cache fills and memory traffic with.
  Register pqr_assoc;
};

// CPU cluster registers: The cluster's device registers, below its first unit window: what CPUID
// leaf 0xF and the monitoring MSRs (Intel RDT) give software.
struct CpuClusterRegisters {
  // Reset values the board's configuration decides.
  struct BoardReset {
    uint64_t cores = 0;
    uint64_t trip_point = 0;
    uint64_t rdt_max_rmid = 0;
    uint64_t rdt_upscale = 0;
    uint64_t rdt_mbm_width = 0;
  };

  CpuClusterRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix, const BoardReset& board)
      : cores(bank, name_prefix + "cores", block_base + CT_CPU_CLUSTER_CORES, CT_CPU_CLUSTER_CORES_WIDTH, board.cores, Access::ro),
        trip_point(bank, name_prefix + "trip_point", block_base + CT_CPU_CLUSTER_TRIP_POINT, CT_CPU_CLUSTER_TRIP_POINT_WIDTH, board.trip_point, Access::ro),
        rdt_max_rmid(bank, name_prefix + "rdt_max_rmid", block_base + CT_CPU_CLUSTER_RDT_MAX_RMID, CT_CPU_CLUSTER_RDT_MAX_RMID_WIDTH, board.rdt_max_rmid, Access::ro),
        rdt_upscale(bank, name_prefix + "rdt_upscale", block_base + CT_CPU_CLUSTER_RDT_UPSCALE, CT_CPU_CLUSTER_RDT_UPSCALE_WIDTH, board.rdt_upscale, Access::ro),
        rdt_mbm_width(bank, name_prefix + "rdt_mbm_width", block_base + CT_CPU_CLUSTER_RDT_MBM_WIDTH, CT_CPU_CLUSTER_RDT_MBM_WIDTH_WIDTH, board.rdt_mbm_width, Access::ro),
        qm_evtsel(bank, name_prefix + "qm_evtsel", block_base + CT_CPU_CLUSTER_QM_EVTSEL, CT_CPU_CLUSTER_QM_EVTSEL_WIDTH, CT_CPU_CLUSTER_QM_EVTSEL_RESET, Access::rw),
        qm_ctr(bank, name_prefix + "qm_ctr", block_base + CT_CPU_CLUSTER_QM_CTR, CT_CPU_CLUSTER_QM_CTR_WIDTH, CT_CPU_CLUSTER_QM_CTR_RESET, Access::ro) {
    qm_ctr.read_changes_state();
  }

  // CORES: cores in the package
  Register cores;
  // TRIP_POINT: thermal trip point (m°C)
  Register trip_point;
  // RDT_MAX_RMID: highest RMID (CPUID.(0xF,1):ECX)
  Register rdt_max_rmid;
  // RDT_UPSCALE: bytes per counter count (CPUID.(0xF,1):EBX)
  Register rdt_upscale;
  // RDT_MBM_WIDTH: MBM counter width minus 24 (CPUID.(0xF,1):EAX[7:0])
  Register rdt_mbm_width;
  // QM_EVTSEL: IA32_QM_EVTSEL, which counter the next read of QM_CTR returns.
  Register qm_evtsel;
  // QM_CTR: IA32_QM_CTR, the selected counter (reading brings the occupancy model up to the access
  // time).
  Register qm_ctr;
};

// Memory controller: The DRAM's controller registers (the memory itself is mapped apart).
struct DramRegisters {
  // Reset values the board's configuration decides.
  struct BoardReset {
    uint64_t size = 0;
    uint64_t dimms = 0;
    uint64_t numa_nodes = 0;
  };

  DramRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix, const BoardReset& board)
      : size(bank, name_prefix + "size", block_base + CT_DRAM_SIZE, CT_DRAM_SIZE_WIDTH, board.size, Access::ro),
        dimms(bank, name_prefix + "dimms", block_base + CT_DRAM_DIMMS, CT_DRAM_DIMMS_WIDTH, board.dimms, Access::ro),
        numa_nodes(bank, name_prefix + "numa_nodes", block_base + CT_DRAM_NUMA_NODES, CT_DRAM_NUMA_NODES_WIDTH, board.numa_nodes, Access::ro),
        ce_total(bank, name_prefix + "ce_total", block_base + CT_DRAM_CE_TOTAL, CT_DRAM_CE_TOTAL_WIDTH, CT_DRAM_CE_TOTAL_RESET, Access::ro),
        ue_total(bank, name_prefix + "ue_total", block_base + CT_DRAM_UE_TOTAL, CT_DRAM_UE_TOTAL_WIDTH, CT_DRAM_UE_TOTAL_RESET, Access::ro),
        materialised_pages(bank, name_prefix + "materialised_pages", block_base + CT_DRAM_MATERIALISED_PAGES, CT_DRAM_MATERIALISED_PAGES_WIDTH, CT_DRAM_MATERIALISED_PAGES_RESET, Access::ro) {
  }

  // SIZE: bytes of memory
  Register size;
  // DIMMS: DIMMs
  Register dimms;
  // NUMA_NODES: memory nodes the DIMMs are split over
  Register numa_nodes;
  // CE_TOTAL: corrected errors since reset
  Register ce_total;
  // UE_TOTAL: uncorrected errors since reset
  Register ue_total;
  // MATERIALISED_PAGES: pages the model holds (its memory footprint)
  Register materialised_pages;
};

// Disk and NIC registers: The device registers of a disk or a NIC, below its unit window.
struct IoDeviceRegisters {
  // Reset values the board's configuration decides.
  struct BoardReset {
    uint64_t queue_depth = 0;
    uint64_t parallelism = 0;
  };

  IoDeviceRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix, const BoardReset& board)
      : queue_depth(bank, name_prefix + "queue_depth", block_base + CT_IO_DEVICE_QUEUE_DEPTH, CT_IO_DEVICE_QUEUE_DEPTH_WIDTH, board.queue_depth, Access::ro),
        parallelism(bank, name_prefix + "parallelism", block_base + CT_IO_DEVICE_PARALLELISM, CT_IO_DEVICE_PARALLELISM_WIDTH, board.parallelism, Access::ro) {
  }

  // QUEUE_DEPTH: submission queue entries
  Register queue_depth;
  // PARALLELISM: I/Os the device serves at once
  Register parallelism;
};

// Board sensors: The board's thermal sensors; channel i's block sits at 0x100 + 32 i.
struct SensorsRegisters {
  SensorsRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix)
      : inlet(bank, name_prefix + "inlet", block_base + CT_SENSORS_INLET, CT_SENSORS_INLET_WIDTH, CT_SENSORS_INLET_RESET, Access::ro),
        channels(bank, name_prefix + "channels", block_base + CT_SENSORS_CHANNELS, CT_SENSORS_CHANNELS_WIDTH, CT_SENSORS_CHANNELS_RESET, Access::ro),
        board_power(bank, name_prefix + "board_power", block_base + CT_SENSORS_BOARD_POWER, CT_SENSORS_BOARD_POWER_WIDTH, CT_SENSORS_BOARD_POWER_RESET, Access::ro),
        fans(bank, name_prefix + "fans", block_base + CT_SENSORS_FANS, CT_SENSORS_FANS_WIDTH, CT_SENSORS_FANS_RESET, Access::ro),
        fans_stopped(bank, name_prefix + "fans_stopped", block_base + CT_SENSORS_FANS_STOPPED, CT_SENSORS_FANS_STOPPED_WIDTH, CT_SENSORS_FANS_STOPPED_RESET, Access::ro),
        airflow(bank, name_prefix + "airflow", block_base + CT_SENSORS_AIRFLOW, CT_SENSORS_AIRFLOW_WIDTH, CT_SENSORS_AIRFLOW_RESET, Access::ro),
        fan_duty(bank, name_prefix + "fan_duty", block_base + CT_SENSORS_FAN_DUTY, CT_SENSORS_FAN_DUTY_WIDTH, CT_SENSORS_FAN_DUTY_RESET, Access::ro),
        temp_alerts(bank, name_prefix + "temp_alerts", block_base + CT_SENSORS_TEMP_ALERTS, CT_SENSORS_TEMP_ALERTS_WIDTH, CT_SENSORS_TEMP_ALERTS_RESET, Access::ro) {
  }

  // INLET: inlet air temperature (m°C)
  Register inlet;
  // CHANNELS: sensor channels populated
  Register channels;
  // BOARD_POWER: board power (mW; the fans' included)
  Register board_power;
  // FANS: chassis fans modelled (0 when none)
  Register fans;
  // FANS_STOPPED: bit i: fan i has stopped
  Register fans_stopped;
  // AIRFLOW: air the fans move, in ppm of the design airflow (1000000 with every fan at its duty,
  // or with no fans modelled)
  Register airflow;
  // FAN_DUTY: PWM duty every working fan is commanded to, 0-255 of full speed (the fan curve's, or
  // fan_duty's and full speed on a boost; 0 with no fans modelled)
  Register fan_duty;
  // TEMP_ALERTS: bit i (channels 0-63): channel i's temperature has reached its CRITICAL limit and
  // not yet fallen 2 C below it (the comparators' hysteresis); the comparators are evaluated when
  // this is read, from each part's temperature as its model predicts it without advancing it (a
  // read moves nothing in the run)
  Register temp_alerts;
};

// Sensor channel: One thermal sensor channel.
struct SensorChannelRegisters {
  SensorChannelRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix)
      : temperature(bank, name_prefix + "temperature", block_base + CT_SENSOR_CHANNEL_TEMPERATURE, CT_SENSOR_CHANNEL_TEMPERATURE_WIDTH, CT_SENSOR_CHANNEL_TEMPERATURE_RESET, Access::ro),
        power(bank, name_prefix + "power", block_base + CT_SENSOR_CHANNEL_POWER, CT_SENSOR_CHANNEL_POWER_WIDTH, CT_SENSOR_CHANNEL_POWER_RESET, Access::ro),
        critical(bank, name_prefix + "critical", block_base + CT_SENSOR_CHANNEL_CRITICAL, CT_SENSOR_CHANNEL_CRITICAL_WIDTH, CT_SENSOR_CHANNEL_CRITICAL_RESET, Access::ro),
        alert_reading(bank, name_prefix + "alert_reading", block_base + CT_SENSOR_CHANNEL_ALERT_READING, CT_SENSOR_CHANNEL_ALERT_READING_WIDTH, CT_SENSOR_CHANNEL_ALERT_READING_RESET, Access::ro) {
  }

  // TEMPERATURE: its temperature (m°C; 0 when not populated)
  Register temperature;
  // POWER: power through it (mW; 0 when not populated)
  Register power;
  // CRITICAL: its part's upper critical temperature (m°C; 0 when not populated): the limit
  // TEMP_ALERTS compares with
  Register critical;
  // ALERT_READING: the temperature its comparator last changed state at, latched (m°C; 0 before
  // any change)
  Register alert_reading;
};

// Model ROM: The flash holding the failure-model blob the firmware loads at boot.
struct FlashRegisters {
  FlashRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix)
      : length(bank, name_prefix + "length", block_base + CT_FLASH_LENGTH, CT_FLASH_LENGTH_WIDTH, CT_FLASH_LENGTH_RESET, Access::ro),
        generation(bank, name_prefix + "generation", block_base + CT_FLASH_GENERATION, CT_FLASH_GENERATION_WIDTH, CT_FLASH_GENERATION_RESET, Access::ro) {
  }

  // LENGTH: bytes of the blob (0 when none is provisioned)
  Register length;
  // GENERATION: installs since power-on
  Register generation;
};

// BMC mailbox: The host's door to the BMC: the crash alert, the predictive-failure alarms, and the
// command mailbox of the control channel (BMC to host firmware).
struct BmcRegisters {
  BmcRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix)
      : mailbox(bank, name_prefix + "mailbox", block_base + CT_BMC_MAILBOX, CT_BMC_MAILBOX_WIDTH, CT_BMC_MAILBOX_RESET, Access::rw),
        state(bank, name_prefix + "state", block_base + CT_BMC_STATE, CT_BMC_STATE_WIDTH, CT_BMC_STATE_RESET, Access::ro),
        reports(bank, name_prefix + "reports", block_base + CT_BMC_REPORTS, CT_BMC_REPORTS_WIDTH, CT_BMC_REPORTS_RESET, Access::ro),
        cmd_status(bank, name_prefix + "cmd_status", block_base + CT_BMC_CMD_STATUS, CT_BMC_CMD_STATUS_WIDTH, CT_BMC_CMD_STATUS_RESET, Access::w1c),
        cmd_length(bank, name_prefix + "cmd_length", block_base + CT_BMC_CMD_LENGTH, CT_BMC_CMD_LENGTH_WIDTH, CT_BMC_CMD_LENGTH_RESET, Access::ro),
        cmd_result(bank, name_prefix + "cmd_result", block_base + CT_BMC_CMD_RESULT, CT_BMC_CMD_RESULT_WIDTH, CT_BMC_CMD_RESULT_RESET, Access::rw),
        pfa(bank, name_prefix + "pfa", block_base + CT_BMC_PFA, CT_BMC_PFA_WIDTH, CT_BMC_PFA_RESET, Access::wo) {
  }

  // MAILBOX: write: raise the crash alert with that code (platform/core/bmc_alert.h)
  Register mailbox;
  // STATE: 0 idle, 1 draining
  Register state;
  // REPORTS: drain reports completed
  Register reports;
  // CMD_STATUS: The command mailbox's status; the host acknowledges by writing PENDING.
  Register cmd_status;
  // CMD_LENGTH: bytes of the line (may exceed CMD_DATA)
  Register cmd_length;
  // CMD_RESULT: the firmware's Status code for the line
  Register cmd_result;
  // PFA: Predictive-failure alarm: the firmware writes one value each time a component's alarm
  // asserts or deasserts (platform/predictor/alarm.h; the encoding is platform/core/bmc_alert.h's);
  // the BMC logs it in its event log as IPMI's generic predictive-failure event (event type 04h,
  // offset 01h asserted, 00h deasserted).
  Register pfa;
};

// DMA channel: One channel of the DMA controller; channel c at c * 0x40.
struct DmaChannelRegisters {
  DmaChannelRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix)
      : src(bank, name_prefix + "src", block_base + CT_DMA_CHANNEL_SRC, CT_DMA_CHANNEL_SRC_WIDTH, CT_DMA_CHANNEL_SRC_RESET, Access::rw),
        dst(bank, name_prefix + "dst", block_base + CT_DMA_CHANNEL_DST, CT_DMA_CHANNEL_DST_WIDTH, CT_DMA_CHANNEL_DST_RESET, Access::rw),
        len(bank, name_prefix + "len", block_base + CT_DMA_CHANNEL_LEN, CT_DMA_CHANNEL_LEN_WIDTH, CT_DMA_CHANNEL_LEN_RESET, Access::rw),
        ctrl(bank, name_prefix + "ctrl", block_base + CT_DMA_CHANNEL_CTRL, CT_DMA_CHANNEL_CTRL_WIDTH, CT_DMA_CHANNEL_CTRL_RESET, Access::rw),
        status(bank, name_prefix + "status", block_base + CT_DMA_CHANNEL_STATUS, CT_DMA_CHANNEL_STATUS_WIDTH, CT_DMA_CHANNEL_STATUS_RESET, Access::w1c),
        desc(bank, name_prefix + "desc", block_base + CT_DMA_CHANNEL_DESC, CT_DMA_CHANNEL_DESC_WIDTH, CT_DMA_CHANNEL_DESC_RESET, Access::rw),
        bytes_done(bank, name_prefix + "bytes_done", block_base + CT_DMA_CHANNEL_BYTES_DONE, CT_DMA_CHANNEL_BYTES_DONE_WIDTH, CT_DMA_CHANNEL_BYTES_DONE_RESET, Access::ro),
        owner(bank, name_prefix + "owner", block_base + CT_DMA_CHANNEL_OWNER, CT_DMA_CHANNEL_OWNER_WIDTH, CT_DMA_CHANNEL_OWNER_RESET, Access::ro) {
  }

  // SRC: source physical address
  Register src;
  // DST: destination physical address
  Register dst;
  // LEN: bytes to move
  Register len;
  // CTRL: Control.
  Register ctrl;
  // STATUS: Status (DONE, REFUSED and ERROR are cleared by writing 1).
  Register status;
  // DESC: first descriptor (32 bytes in memory: src, dst, len, next; next 0 ends the chain)
  Register desc;
  // BYTES_DONE: bytes moved by the last transfer
  Register bytes_done;
  // OWNER: the initiator that started the transfer
  Register owner;
};

// DMA window table: The IOMMU-like table restricting what the BMC's transfers may touch; only the
// host writes it, and only until it sets LOCKED (cleared by power-on only).
struct DmaWindowTableRegisters {
  DmaWindowTableRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix)
      : lock(bank, name_prefix + "lock", block_base + CT_DMA_WINDOW_TABLE_LOCK, CT_DMA_WINDOW_TABLE_LOCK_WIDTH, CT_DMA_WINDOW_TABLE_LOCK_RESET, Access::rw),
        requester_id(bank, name_prefix + "requester_id", block_base + CT_DMA_WINDOW_TABLE_REQUESTER_ID, CT_DMA_WINDOW_TABLE_REQUESTER_ID_WIDTH, CT_DMA_WINDOW_TABLE_REQUESTER_ID_RESET, Access::ro) {
  }

  // LOCK: The table's lock.
  Register lock;
  // REQUESTER_ID: the initiator index of whoever reads it
  Register requester_id;
};

// DMA window: One entry of the window table; entry w at 0x1010 + 0x20 w.
struct DmaWindowRegisters {
  DmaWindowRegisters(RegisterBank& bank, uint64_t block_base, const std::string& name_prefix)
      : base(bank, name_prefix + "base", block_base + CT_DMA_WINDOW_BASE, CT_DMA_WINDOW_BASE_WIDTH, CT_DMA_WINDOW_BASE_RESET, Access::rw),
        size(bank, name_prefix + "size", block_base + CT_DMA_WINDOW_SIZE, CT_DMA_WINDOW_SIZE_WIDTH, CT_DMA_WINDOW_SIZE_RESET, Access::rw),
        attr(bank, name_prefix + "attr", block_base + CT_DMA_WINDOW_ATTR, CT_DMA_WINDOW_ATTR_WIDTH, CT_DMA_WINDOW_ATTR_RESET, Access::rw) {
  }

  // BASE: first byte of the window
  Register base;
  // SIZE: bytes of the window
  Register size;
  // ATTR: What the window grants, and to whom.
  Register attr;
};

}  // namespace crashtwin::regs
