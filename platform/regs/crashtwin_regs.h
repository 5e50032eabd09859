/* crashtwin register map, revision 1.
 * Generated from registers/crashtwin.yaml by regmap-gen (registers/): do not edit.
 * Offsets are from the base of the block (registers) or of the device
 * (blocks); registers are little-endian; _MASK values are in place. */
#ifndef CT_REGS_H
#define CT_REGS_H

#include <stdint.h>

#define CT_REGMAP_REVISION 1u
#define CT_ACCESS_RO 0u
#define CT_ACCESS_RW 1u
#define CT_ACCESS_W1C 2u
#define CT_ACCESS_WO 3u

/* ---- unit: Component unit window ----
 * One per component instance a device represents (a CPU core, a DIMM, a disk,
 * a NIC): its metrics, its latched error and its state snapshot.
 */

/* METRIC[32] (ro): Metric slot i of the unit's component class
   (platform/core/types.h metric_slot: counters cumulative since reset,
   gauges instantaneous, in the units the metric names); slots past the
   class's metrics are not mapped. */
#define CT_UNIT_METRIC(i) (UINT64_C(0x0) + (uint64_t)(i) * UINT64_C(0x8))
#define CT_UNIT_METRIC_COUNT 32u
#define CT_UNIT_METRIC_STRIDE UINT64_C(0x8)
#define CT_UNIT_METRIC_WIDTH 8u
#define CT_UNIT_METRIC_ACCESS CT_ACCESS_RO
#define CT_UNIT_METRIC_RESET UINT64_C(0x0)

/* ERR_STATUS (w1c): The latched error; the firmware acknowledges by writing
   VALID. */
#define CT_UNIT_ERR_STATUS UINT64_C(0x100)
#define CT_UNIT_ERR_STATUS_WIDTH 8u
#define CT_UNIT_ERR_STATUS_ACCESS CT_ACCESS_W1C
#define CT_UNIT_ERR_STATUS_RESET UINT64_C(0x0)
#define CT_UNIT_ERR_STATUS_VALID_SHIFT 0u
#define CT_UNIT_ERR_STATUS_VALID_MASK UINT64_C(0x1)

/* ERR_TYPE (ro): ErrorType of the latched error */
#define CT_UNIT_ERR_TYPE UINT64_C(0x108)
#define CT_UNIT_ERR_TYPE_WIDTH 8u
#define CT_UNIT_ERR_TYPE_ACCESS CT_ACCESS_RO
#define CT_UNIT_ERR_TYPE_RESET UINT64_C(0x0)

/* ERR_ADDRESS (ro): faulting physical address */
#define CT_UNIT_ERR_ADDRESS UINT64_C(0x110)
#define CT_UNIT_ERR_ADDRESS_WIDTH 8u
#define CT_UNIT_ERR_ADDRESS_ACCESS CT_ACCESS_RO
#define CT_UNIT_ERR_ADDRESS_RESET UINT64_C(0x0)

/* ERR_DETAIL (ro): error-specific syndrome */
#define CT_UNIT_ERR_DETAIL UINT64_C(0x118)
#define CT_UNIT_ERR_DETAIL_WIDTH 8u
#define CT_UNIT_ERR_DETAIL_ACCESS CT_ACCESS_RO
#define CT_UNIT_ERR_DETAIL_RESET UINT64_C(0x0)

/* ERR_TIME (ro): simulated time the error was latched (ns) */
#define CT_UNIT_ERR_TIME UINT64_C(0x120)
#define CT_UNIT_ERR_TIME_WIDTH 8u
#define CT_UNIT_ERR_TIME_ACCESS CT_ACCESS_RO
#define CT_UNIT_ERR_TIME_RESET UINT64_C(0x0)

/* ERR_COUNT (ro): errors latched since reset */
#define CT_UNIT_ERR_COUNT UINT64_C(0x128)
#define CT_UNIT_ERR_COUNT_WIDTH 8u
#define CT_UNIT_ERR_COUNT_ACCESS CT_ACCESS_RO
#define CT_UNIT_ERR_COUNT_RESET UINT64_C(0x0)

/* STATE_LENGTH (ro): Reading it snapshots the unit's state block into STATE
   and returns its length in bytes. */
#define CT_UNIT_STATE_LENGTH UINT64_C(0x200)
#define CT_UNIT_STATE_LENGTH_WIDTH 8u
#define CT_UNIT_STATE_LENGTH_ACCESS CT_ACCESS_RO
#define CT_UNIT_STATE_LENGTH_RESET UINT64_C(0x0)

/* SMBIOS_HANDLE (ro): The SMBIOS handle of the component's structure (a
   DIMM's Type 17 Memory Device), as the board's SMBIOS tables declare it;
   0xFFFF when they declare none. */
#define CT_UNIT_SMBIOS_HANDLE UINT64_C(0x210)
#define CT_UNIT_SMBIOS_HANDLE_WIDTH 8u
#define CT_UNIT_SMBIOS_HANDLE_ACCESS CT_ACCESS_RO

/* STATE_KIND (ro): the StateKind STATE holds (0 register file, 1 error log,
   2 queue state) */
#define CT_UNIT_STATE_KIND UINT64_C(0x208)
#define CT_UNIT_STATE_KIND_WIDTH 8u
#define CT_UNIT_STATE_KIND_ACCESS CT_ACCESS_RO

/* STATE (window, read-only): the state snapshot STATE_LENGTH took */
#define CT_UNIT_STATE UINT64_C(0x1000)
#define CT_UNIT_STATE_SIZE UINT64_C(0xf000)

/* ---- core_timer: CPU core sampling timer ----
 * A CPU core's sampling timer, in its unit window (boards with per-core timers
 * only).
 */

/* BOUNDARY (ro): the boundary the latest tick served (ns) */
#define CT_CORE_TIMER_BOUNDARY UINT64_C(0x300)
#define CT_CORE_TIMER_BOUNDARY_WIDTH 8u
#define CT_CORE_TIMER_BOUNDARY_ACCESS CT_ACCESS_RO
#define CT_CORE_TIMER_BOUNDARY_RESET UINT64_C(0x0)

/* DELIVERED (ro): when its handler ran (ns) */
#define CT_CORE_TIMER_DELIVERED UINT64_C(0x308)
#define CT_CORE_TIMER_DELIVERED_WIDTH 8u
#define CT_CORE_TIMER_DELIVERED_ACCESS CT_ACCESS_RO
#define CT_CORE_TIMER_DELIVERED_RESET UINT64_C(0x0)

/* TICKS (ro): handlers run since power-on */
#define CT_CORE_TIMER_TICKS UINT64_C(0x310)
#define CT_CORE_TIMER_TICKS_WIDTH 8u
#define CT_CORE_TIMER_TICKS_ACCESS CT_ACCESS_RO
#define CT_CORE_TIMER_TICKS_RESET UINT64_C(0x0)

/* OVERRUNS (ro): boundaries skipped since power-on */
#define CT_CORE_TIMER_OVERRUNS UINT64_C(0x318)
#define CT_CORE_TIMER_OVERRUNS_WIDTH 8u
#define CT_CORE_TIMER_OVERRUNS_ACCESS CT_ACCESS_RO
#define CT_CORE_TIMER_OVERRUNS_RESET UINT64_C(0x0)

/* ---- core: CPU core resource monitoring ----
 * A CPU core's RMID association, in its unit window.
 */

/* PQR_ASSOC (rw): IA32_PQR_ASSOC, the RMID the core tags its cache fills
   and memory traffic with. */
#define CT_CORE_PQR_ASSOC UINT64_C(0x320)
#define CT_CORE_PQR_ASSOC_WIDTH 8u
#define CT_CORE_PQR_ASSOC_ACCESS CT_ACCESS_RW
#define CT_CORE_PQR_ASSOC_RESET UINT64_C(0x0)
#define CT_CORE_PQR_ASSOC_RMID_SHIFT 0u
#define CT_CORE_PQR_ASSOC_RMID_MASK UINT64_C(0x3ff)

/* ---- cpu_cluster: CPU cluster registers ----
 * The cluster's device registers, below its first unit window: what CPUID leaf
 * 0xF and the monitoring MSRs (Intel RDT) give software.
 */

/* CORES (ro): cores in the package */
#define CT_CPU_CLUSTER_CORES UINT64_C(0x0)
#define CT_CPU_CLUSTER_CORES_WIDTH 8u
#define CT_CPU_CLUSTER_CORES_ACCESS CT_ACCESS_RO

/* TRIP_POINT (ro): thermal trip point (m°C) */
#define CT_CPU_CLUSTER_TRIP_POINT UINT64_C(0x8)
#define CT_CPU_CLUSTER_TRIP_POINT_WIDTH 8u
#define CT_CPU_CLUSTER_TRIP_POINT_ACCESS CT_ACCESS_RO

/* RDT_MAX_RMID (ro): highest RMID (CPUID.(0xF,1):ECX) */
#define CT_CPU_CLUSTER_RDT_MAX_RMID UINT64_C(0x40)
#define CT_CPU_CLUSTER_RDT_MAX_RMID_WIDTH 8u
#define CT_CPU_CLUSTER_RDT_MAX_RMID_ACCESS CT_ACCESS_RO

/* RDT_UPSCALE (ro): bytes per counter count (CPUID.(0xF,1):EBX) */
#define CT_CPU_CLUSTER_RDT_UPSCALE UINT64_C(0x48)
#define CT_CPU_CLUSTER_RDT_UPSCALE_WIDTH 8u
#define CT_CPU_CLUSTER_RDT_UPSCALE_ACCESS CT_ACCESS_RO

/* RDT_MBM_WIDTH (ro): MBM counter width minus 24 (CPUID.(0xF,1):EAX[7:0]) */
#define CT_CPU_CLUSTER_RDT_MBM_WIDTH UINT64_C(0x50)
#define CT_CPU_CLUSTER_RDT_MBM_WIDTH_WIDTH 8u
#define CT_CPU_CLUSTER_RDT_MBM_WIDTH_ACCESS CT_ACCESS_RO

/* QM_EVTSEL (rw): IA32_QM_EVTSEL, which counter the next read of QM_CTR
   returns. */
#define CT_CPU_CLUSTER_QM_EVTSEL UINT64_C(0x58)
#define CT_CPU_CLUSTER_QM_EVTSEL_WIDTH 8u
#define CT_CPU_CLUSTER_QM_EVTSEL_ACCESS CT_ACCESS_RW
#define CT_CPU_CLUSTER_QM_EVTSEL_RESET UINT64_C(0x0)
#define CT_CPU_CLUSTER_QM_EVTSEL_EVENT_SHIFT 0u
#define CT_CPU_CLUSTER_QM_EVTSEL_EVENT_MASK UINT64_C(0xff)
#define CT_CPU_CLUSTER_QM_EVTSEL_RMID_SHIFT 32u
#define CT_CPU_CLUSTER_QM_EVTSEL_RMID_MASK UINT64_C(0x3ff00000000)

/* QM_CTR (ro): IA32_QM_CTR, the selected counter (reading brings the
   occupancy model up to the access time). */
#define CT_CPU_CLUSTER_QM_CTR UINT64_C(0x60)
#define CT_CPU_CLUSTER_QM_CTR_WIDTH 8u
#define CT_CPU_CLUSTER_QM_CTR_ACCESS CT_ACCESS_RO
#define CT_CPU_CLUSTER_QM_CTR_RESET UINT64_C(0x0)
#define CT_CPU_CLUSTER_QM_CTR_DATA_SHIFT 0u
#define CT_CPU_CLUSTER_QM_CTR_DATA_MASK UINT64_C(0x3fffffffffffffff)
#define CT_CPU_CLUSTER_QM_CTR_UNAVAILABLE_SHIFT 62u
#define CT_CPU_CLUSTER_QM_CTR_UNAVAILABLE_MASK UINT64_C(0x4000000000000000)
#define CT_CPU_CLUSTER_QM_CTR_ERROR_SHIFT 63u
#define CT_CPU_CLUSTER_QM_CTR_ERROR_MASK UINT64_C(0x8000000000000000)

/* ---- dram: Memory controller ----
 * The DRAM's controller registers (the memory itself is mapped apart).
 */

/* SIZE (ro): bytes of memory */
#define CT_DRAM_SIZE UINT64_C(0x0)
#define CT_DRAM_SIZE_WIDTH 8u
#define CT_DRAM_SIZE_ACCESS CT_ACCESS_RO

/* DIMMS (ro): DIMMs */
#define CT_DRAM_DIMMS UINT64_C(0x8)
#define CT_DRAM_DIMMS_WIDTH 8u
#define CT_DRAM_DIMMS_ACCESS CT_ACCESS_RO

/* NUMA_NODES (ro): memory nodes the DIMMs are split over */
#define CT_DRAM_NUMA_NODES UINT64_C(0x10)
#define CT_DRAM_NUMA_NODES_WIDTH 8u
#define CT_DRAM_NUMA_NODES_ACCESS CT_ACCESS_RO

/* CE_TOTAL (ro): corrected errors since reset */
#define CT_DRAM_CE_TOTAL UINT64_C(0x18)
#define CT_DRAM_CE_TOTAL_WIDTH 8u
#define CT_DRAM_CE_TOTAL_ACCESS CT_ACCESS_RO
#define CT_DRAM_CE_TOTAL_RESET UINT64_C(0x0)

/* UE_TOTAL (ro): uncorrected errors since reset */
#define CT_DRAM_UE_TOTAL UINT64_C(0x20)
#define CT_DRAM_UE_TOTAL_WIDTH 8u
#define CT_DRAM_UE_TOTAL_ACCESS CT_ACCESS_RO
#define CT_DRAM_UE_TOTAL_RESET UINT64_C(0x0)

/* MATERIALISED_PAGES (ro): pages the model holds (its memory footprint) */
#define CT_DRAM_MATERIALISED_PAGES UINT64_C(0x28)
#define CT_DRAM_MATERIALISED_PAGES_WIDTH 8u
#define CT_DRAM_MATERIALISED_PAGES_ACCESS CT_ACCESS_RO
#define CT_DRAM_MATERIALISED_PAGES_RESET UINT64_C(0x0)

/* ---- io_device: Disk and NIC registers ----
 * The device registers of a disk or a NIC, below its unit window.
 */

/* QUEUE_DEPTH (ro): submission queue entries */
#define CT_IO_DEVICE_QUEUE_DEPTH UINT64_C(0x0)
#define CT_IO_DEVICE_QUEUE_DEPTH_WIDTH 8u
#define CT_IO_DEVICE_QUEUE_DEPTH_ACCESS CT_ACCESS_RO

/* PARALLELISM (ro): I/Os the device serves at once */
#define CT_IO_DEVICE_PARALLELISM UINT64_C(0x8)
#define CT_IO_DEVICE_PARALLELISM_WIDTH 8u
#define CT_IO_DEVICE_PARALLELISM_ACCESS CT_ACCESS_RO

/* ---- sensors: Board sensors ----
 * The board's thermal sensors; channel i's block sits at 0x100 + 32 i.
 */

/* INLET (ro): inlet air temperature (m°C) */
#define CT_SENSORS_INLET UINT64_C(0x0)
#define CT_SENSORS_INLET_WIDTH 8u
#define CT_SENSORS_INLET_ACCESS CT_ACCESS_RO
#define CT_SENSORS_INLET_RESET UINT64_C(0x0)

/* CHANNELS (ro): sensor channels populated */
#define CT_SENSORS_CHANNELS UINT64_C(0x8)
#define CT_SENSORS_CHANNELS_WIDTH 8u
#define CT_SENSORS_CHANNELS_ACCESS CT_ACCESS_RO
#define CT_SENSORS_CHANNELS_RESET UINT64_C(0x0)

/* BOARD_POWER (ro): board power (mW; the fans' included) */
#define CT_SENSORS_BOARD_POWER UINT64_C(0x10)
#define CT_SENSORS_BOARD_POWER_WIDTH 8u
#define CT_SENSORS_BOARD_POWER_ACCESS CT_ACCESS_RO
#define CT_SENSORS_BOARD_POWER_RESET UINT64_C(0x0)

/* FANS (ro): chassis fans modelled (0 when none) */
#define CT_SENSORS_FANS UINT64_C(0x18)
#define CT_SENSORS_FANS_WIDTH 8u
#define CT_SENSORS_FANS_ACCESS CT_ACCESS_RO
#define CT_SENSORS_FANS_RESET UINT64_C(0x0)

/* FANS_STOPPED (ro): bit i: fan i has stopped */
#define CT_SENSORS_FANS_STOPPED UINT64_C(0x20)
#define CT_SENSORS_FANS_STOPPED_WIDTH 8u
#define CT_SENSORS_FANS_STOPPED_ACCESS CT_ACCESS_RO
#define CT_SENSORS_FANS_STOPPED_RESET UINT64_C(0x0)

/* AIRFLOW (ro): air the fans move, in ppm of the design airflow (1000000
   with every fan at its duty, or with no fans modelled) */
#define CT_SENSORS_AIRFLOW UINT64_C(0x28)
#define CT_SENSORS_AIRFLOW_WIDTH 8u
#define CT_SENSORS_AIRFLOW_ACCESS CT_ACCESS_RO
#define CT_SENSORS_AIRFLOW_RESET UINT64_C(0x0)

/* FAN_DUTY (ro): PWM duty every working fan is commanded to, 0-255 of full
   speed (the fan curve's, or fan_duty's and full speed on a boost; 0 with
   no fans modelled) */
#define CT_SENSORS_FAN_DUTY UINT64_C(0x30)
#define CT_SENSORS_FAN_DUTY_WIDTH 8u
#define CT_SENSORS_FAN_DUTY_ACCESS CT_ACCESS_RO
#define CT_SENSORS_FAN_DUTY_RESET UINT64_C(0x0)

/* TEMP_ALERTS (ro): bit i (channels 0-63): channel i's temperature has
   reached its CRITICAL limit and not yet fallen 2 C below it (the
   comparators' hysteresis); the comparators are evaluated when this is
   read, from each part's temperature as its model predicts it without
   advancing it (a read moves nothing in the run) */
#define CT_SENSORS_TEMP_ALERTS UINT64_C(0x38)
#define CT_SENSORS_TEMP_ALERTS_WIDTH 8u
#define CT_SENSORS_TEMP_ALERTS_ACCESS CT_ACCESS_RO
#define CT_SENSORS_TEMP_ALERTS_RESET UINT64_C(0x0)

/* ---- sensor_channel: Sensor channel ----
 * One thermal sensor channel.
 */

/* TEMPERATURE (ro): its temperature (m°C; 0 when not populated) */
#define CT_SENSOR_CHANNEL_TEMPERATURE UINT64_C(0x0)
#define CT_SENSOR_CHANNEL_TEMPERATURE_WIDTH 8u
#define CT_SENSOR_CHANNEL_TEMPERATURE_ACCESS CT_ACCESS_RO
#define CT_SENSOR_CHANNEL_TEMPERATURE_RESET UINT64_C(0x0)

/* POWER (ro): power through it (mW; 0 when not populated) */
#define CT_SENSOR_CHANNEL_POWER UINT64_C(0x8)
#define CT_SENSOR_CHANNEL_POWER_WIDTH 8u
#define CT_SENSOR_CHANNEL_POWER_ACCESS CT_ACCESS_RO
#define CT_SENSOR_CHANNEL_POWER_RESET UINT64_C(0x0)

/* CRITICAL (ro): its part's upper critical temperature (m°C; 0 when not
   populated): the limit TEMP_ALERTS compares with */
#define CT_SENSOR_CHANNEL_CRITICAL UINT64_C(0x10)
#define CT_SENSOR_CHANNEL_CRITICAL_WIDTH 8u
#define CT_SENSOR_CHANNEL_CRITICAL_ACCESS CT_ACCESS_RO
#define CT_SENSOR_CHANNEL_CRITICAL_RESET UINT64_C(0x0)

/* ALERT_READING (ro): the temperature its comparator last changed state at,
   latched (m°C; 0 before any change) */
#define CT_SENSOR_CHANNEL_ALERT_READING UINT64_C(0x18)
#define CT_SENSOR_CHANNEL_ALERT_READING_WIDTH 8u
#define CT_SENSOR_CHANNEL_ALERT_READING_ACCESS CT_ACCESS_RO
#define CT_SENSOR_CHANNEL_ALERT_READING_RESET UINT64_C(0x0)

/* ---- flash: Model ROM ----
 * The flash holding the failure-model blob the firmware loads at boot.
 */

/* LENGTH (ro): bytes of the blob (0 when none is provisioned) */
#define CT_FLASH_LENGTH UINT64_C(0x0)
#define CT_FLASH_LENGTH_WIDTH 8u
#define CT_FLASH_LENGTH_ACCESS CT_ACCESS_RO
#define CT_FLASH_LENGTH_RESET UINT64_C(0x0)

/* GENERATION (ro): installs since power-on */
#define CT_FLASH_GENERATION UINT64_C(0x8)
#define CT_FLASH_GENERATION_WIDTH 8u
#define CT_FLASH_GENERATION_ACCESS CT_ACCESS_RO
#define CT_FLASH_GENERATION_RESET UINT64_C(0x0)

/* BLOB (window, read-only): the blob (the window's size is the flash's
   capacity, 1 MiB by default) */
#define CT_FLASH_BLOB UINT64_C(0x1000)
#define CT_FLASH_BLOB_SIZE UINT64_C(0x100000)

/* ---- bmc: BMC mailbox ----
 * The host's door to the BMC: the crash alert, the predictive-failure alarms,
 * and the command mailbox of the control channel (BMC to host firmware).
 */

/* MAILBOX (rw): write: raise the crash alert with that code
   (platform/core/bmc_alert.h) */
#define CT_BMC_MAILBOX UINT64_C(0x0)
#define CT_BMC_MAILBOX_WIDTH 8u
#define CT_BMC_MAILBOX_ACCESS CT_ACCESS_RW
#define CT_BMC_MAILBOX_RESET UINT64_C(0x0)

/* STATE (ro): 0 idle, 1 draining */
#define CT_BMC_STATE UINT64_C(0x8)
#define CT_BMC_STATE_WIDTH 8u
#define CT_BMC_STATE_ACCESS CT_ACCESS_RO
#define CT_BMC_STATE_RESET UINT64_C(0x0)

/* REPORTS (ro): drain reports completed */
#define CT_BMC_REPORTS UINT64_C(0x10)
#define CT_BMC_REPORTS_WIDTH 8u
#define CT_BMC_REPORTS_ACCESS CT_ACCESS_RO
#define CT_BMC_REPORTS_RESET UINT64_C(0x0)

/* CMD_STATUS (w1c): The command mailbox's status; the host acknowledges by
   writing PENDING. */
#define CT_BMC_CMD_STATUS UINT64_C(0x18)
#define CT_BMC_CMD_STATUS_WIDTH 8u
#define CT_BMC_CMD_STATUS_ACCESS CT_ACCESS_W1C
#define CT_BMC_CMD_STATUS_RESET UINT64_C(0x0)
#define CT_BMC_CMD_STATUS_PENDING_SHIFT 0u
#define CT_BMC_CMD_STATUS_PENDING_MASK UINT64_C(0x1)

/* CMD_LENGTH (ro): bytes of the line (may exceed CMD_DATA) */
#define CT_BMC_CMD_LENGTH UINT64_C(0x20)
#define CT_BMC_CMD_LENGTH_WIDTH 8u
#define CT_BMC_CMD_LENGTH_ACCESS CT_ACCESS_RO
#define CT_BMC_CMD_LENGTH_RESET UINT64_C(0x0)

/* CMD_RESULT (rw): the firmware's Status code for the line */
#define CT_BMC_CMD_RESULT UINT64_C(0x28)
#define CT_BMC_CMD_RESULT_WIDTH 8u
#define CT_BMC_CMD_RESULT_ACCESS CT_ACCESS_RW
#define CT_BMC_CMD_RESULT_RESET UINT64_C(0x0)

/* PFA (wo): Predictive-failure alarm: the firmware writes one value each
   time a component's alarm asserts or deasserts
   (platform/predictor/alarm.h; the encoding is
   platform/core/bmc_alert.h's); the BMC logs it in its event log as IPMI's
   generic predictive-failure event (event type 04h, offset 01h asserted,
   00h deasserted). */
#define CT_BMC_PFA UINT64_C(0x30)
#define CT_BMC_PFA_WIDTH 8u
#define CT_BMC_PFA_ACCESS CT_ACCESS_WO
#define CT_BMC_PFA_RESET UINT64_C(0x0)
#define CT_BMC_PFA_ASSERTED_SHIFT 0u
#define CT_BMC_PFA_ASSERTED_MASK UINT64_C(0x1)
#define CT_BMC_PFA_INSTANCE_SHIFT 8u
#define CT_BMC_PFA_INSTANCE_MASK UINT64_C(0xffff00)
#define CT_BMC_PFA_CLASS_SHIFT 24u
#define CT_BMC_PFA_CLASS_MASK UINT64_C(0xff000000)
#define CT_BMC_PFA_PROBABILITY_SHIFT 32u
#define CT_BMC_PFA_PROBABILITY_MASK UINT64_C(0xffffffff00000000)

/* CMD_DATA (window, read-only): the line's first 256 bytes */
#define CT_BMC_CMD_DATA UINT64_C(0x100)
#define CT_BMC_CMD_DATA_SIZE UINT64_C(0x100)

/* ---- dma_channel: DMA channel ----
 * One channel of the DMA controller; channel c at c * 0x40.
 */

/* SRC (rw): source physical address */
#define CT_DMA_CHANNEL_SRC UINT64_C(0x0)
#define CT_DMA_CHANNEL_SRC_WIDTH 8u
#define CT_DMA_CHANNEL_SRC_ACCESS CT_ACCESS_RW
#define CT_DMA_CHANNEL_SRC_RESET UINT64_C(0x0)

/* DST (rw): destination physical address */
#define CT_DMA_CHANNEL_DST UINT64_C(0x8)
#define CT_DMA_CHANNEL_DST_WIDTH 8u
#define CT_DMA_CHANNEL_DST_ACCESS CT_ACCESS_RW
#define CT_DMA_CHANNEL_DST_RESET UINT64_C(0x0)

/* LEN (rw): bytes to move */
#define CT_DMA_CHANNEL_LEN UINT64_C(0x10)
#define CT_DMA_CHANNEL_LEN_WIDTH 8u
#define CT_DMA_CHANNEL_LEN_ACCESS CT_ACCESS_RW
#define CT_DMA_CHANNEL_LEN_RESET UINT64_C(0x0)

/* CTRL (rw): Control. */
#define CT_DMA_CHANNEL_CTRL UINT64_C(0x18)
#define CT_DMA_CHANNEL_CTRL_WIDTH 8u
#define CT_DMA_CHANNEL_CTRL_ACCESS CT_ACCESS_RW
#define CT_DMA_CHANNEL_CTRL_RESET UINT64_C(0x0)
#define CT_DMA_CHANNEL_CTRL_START_SHIFT 0u
#define CT_DMA_CHANNEL_CTRL_START_MASK UINT64_C(0x1)
#define CT_DMA_CHANNEL_CTRL_IRQ_ENABLE_SHIFT 1u
#define CT_DMA_CHANNEL_CTRL_IRQ_ENABLE_MASK UINT64_C(0x2)
#define CT_DMA_CHANNEL_CTRL_CHAIN_SHIFT 2u
#define CT_DMA_CHANNEL_CTRL_CHAIN_MASK UINT64_C(0x4)

/* STATUS (w1c): Status (DONE, REFUSED and ERROR are cleared by writing 1). */
#define CT_DMA_CHANNEL_STATUS UINT64_C(0x20)
#define CT_DMA_CHANNEL_STATUS_WIDTH 8u
#define CT_DMA_CHANNEL_STATUS_ACCESS CT_ACCESS_W1C
#define CT_DMA_CHANNEL_STATUS_RESET UINT64_C(0x0)
#define CT_DMA_CHANNEL_STATUS_BUSY_SHIFT 0u
#define CT_DMA_CHANNEL_STATUS_BUSY_MASK UINT64_C(0x1)
#define CT_DMA_CHANNEL_STATUS_DONE_SHIFT 1u
#define CT_DMA_CHANNEL_STATUS_DONE_MASK UINT64_C(0x2)
#define CT_DMA_CHANNEL_STATUS_REFUSED_SHIFT 2u
#define CT_DMA_CHANNEL_STATUS_REFUSED_MASK UINT64_C(0x4)
#define CT_DMA_CHANNEL_STATUS_ERROR_SHIFT 3u
#define CT_DMA_CHANNEL_STATUS_ERROR_MASK UINT64_C(0x8)

/* DESC (rw): first descriptor (32 bytes in memory: src, dst, len, next;
   next 0 ends the chain) */
#define CT_DMA_CHANNEL_DESC UINT64_C(0x28)
#define CT_DMA_CHANNEL_DESC_WIDTH 8u
#define CT_DMA_CHANNEL_DESC_ACCESS CT_ACCESS_RW
#define CT_DMA_CHANNEL_DESC_RESET UINT64_C(0x0)

/* BYTES_DONE (ro): bytes moved by the last transfer */
#define CT_DMA_CHANNEL_BYTES_DONE UINT64_C(0x30)
#define CT_DMA_CHANNEL_BYTES_DONE_WIDTH 8u
#define CT_DMA_CHANNEL_BYTES_DONE_ACCESS CT_ACCESS_RO
#define CT_DMA_CHANNEL_BYTES_DONE_RESET UINT64_C(0x0)

/* OWNER (ro): the initiator that started the transfer */
#define CT_DMA_CHANNEL_OWNER UINT64_C(0x38)
#define CT_DMA_CHANNEL_OWNER_WIDTH 8u
#define CT_DMA_CHANNEL_OWNER_ACCESS CT_ACCESS_RO
#define CT_DMA_CHANNEL_OWNER_RESET UINT64_C(0x0)

/* ---- dma_window_table: DMA window table ----
 * The IOMMU-like table restricting what the BMC's transfers may touch; only
 * the host writes it, and only until it sets LOCKED (cleared by power-on
 * only).
 */

/* LOCK (rw): The table's lock. */
#define CT_DMA_WINDOW_TABLE_LOCK UINT64_C(0x0)
#define CT_DMA_WINDOW_TABLE_LOCK_WIDTH 8u
#define CT_DMA_WINDOW_TABLE_LOCK_ACCESS CT_ACCESS_RW
#define CT_DMA_WINDOW_TABLE_LOCK_RESET UINT64_C(0x0)
#define CT_DMA_WINDOW_TABLE_LOCK_LOCKED_SHIFT 0u
#define CT_DMA_WINDOW_TABLE_LOCK_LOCKED_MASK UINT64_C(0x1)

/* REQUESTER_ID (ro): the initiator index of whoever reads it */
#define CT_DMA_WINDOW_TABLE_REQUESTER_ID UINT64_C(0x8)
#define CT_DMA_WINDOW_TABLE_REQUESTER_ID_WIDTH 8u
#define CT_DMA_WINDOW_TABLE_REQUESTER_ID_ACCESS CT_ACCESS_RO
#define CT_DMA_WINDOW_TABLE_REQUESTER_ID_RESET UINT64_C(0x0)

/* ---- dma_window: DMA window ----
 * One entry of the window table; entry w at 0x1010 + 0x20 w.
 */

/* BASE (rw): first byte of the window */
#define CT_DMA_WINDOW_BASE UINT64_C(0x0)
#define CT_DMA_WINDOW_BASE_WIDTH 8u
#define CT_DMA_WINDOW_BASE_ACCESS CT_ACCESS_RW
#define CT_DMA_WINDOW_BASE_RESET UINT64_C(0x0)

/* SIZE (rw): bytes of the window */
#define CT_DMA_WINDOW_SIZE UINT64_C(0x8)
#define CT_DMA_WINDOW_SIZE_WIDTH 8u
#define CT_DMA_WINDOW_SIZE_ACCESS CT_ACCESS_RW
#define CT_DMA_WINDOW_SIZE_RESET UINT64_C(0x0)

/* ATTR (rw): What the window grants, and to whom. */
#define CT_DMA_WINDOW_ATTR UINT64_C(0x10)
#define CT_DMA_WINDOW_ATTR_WIDTH 8u
#define CT_DMA_WINDOW_ATTR_ACCESS CT_ACCESS_RW
#define CT_DMA_WINDOW_ATTR_RESET UINT64_C(0x0)
#define CT_DMA_WINDOW_ATTR_ENABLE_SHIFT 0u
#define CT_DMA_WINDOW_ATTR_ENABLE_MASK UINT64_C(0x1)
#define CT_DMA_WINDOW_ATTR_READ_SHIFT 1u
#define CT_DMA_WINDOW_ATTR_READ_MASK UINT64_C(0x2)
#define CT_DMA_WINDOW_ATTR_WRITE_SHIFT 2u
#define CT_DMA_WINDOW_ATTR_WRITE_MASK UINT64_C(0x4)
#define CT_DMA_WINDOW_ATTR_INITIATOR_SHIFT 8u
#define CT_DMA_WINDOW_ATTR_INITIATOR_MASK UINT64_C(0xff00)

/* ==== Devices: where each block sits in a device's MMIO window ==== */

/* cpu_cluster: CPU package */
#define CT_CPU_CLUSTER_REGS UINT64_C(0x0)
#define CT_CPU_CLUSTER_UNIT(i) (UINT64_C(0x10000) + (uint64_t)(i) * UINT64_C(0x10000))
#define CT_CPU_CLUSTER_UNIT_STRIDE UINT64_C(0x10000)
#define CT_CPU_CLUSTER_CORE_TIMER(i) (UINT64_C(0x10000) + (uint64_t)(i) * UINT64_C(0x10000))
#define CT_CPU_CLUSTER_CORE_TIMER_STRIDE UINT64_C(0x10000)
#define CT_CPU_CLUSTER_CORE(i) (UINT64_C(0x10000) + (uint64_t)(i) * UINT64_C(0x10000))
#define CT_CPU_CLUSTER_CORE_STRIDE UINT64_C(0x10000)

/* dram: Memory controller */
#define CT_DRAM_REGS UINT64_C(0x0)
#define CT_DRAM_UNIT(i) (UINT64_C(0x10000) + (uint64_t)(i) * UINT64_C(0x10000))
#define CT_DRAM_UNIT_STRIDE UINT64_C(0x10000)

/* disk: Disk */
#define CT_DISK_IO_DEVICE UINT64_C(0x0)
#define CT_DISK_UNIT UINT64_C(0x10000)

/* nic: Network interface */
#define CT_NIC_IO_DEVICE UINT64_C(0x0)
#define CT_NIC_UNIT UINT64_C(0x10000)

/* sensors: Board sensors */
#define CT_SENSORS_REGS UINT64_C(0x0)
#define CT_SENSORS_SENSOR_CHANNEL(i) (UINT64_C(0x100) + (uint64_t)(i) * UINT64_C(0x20))
#define CT_SENSORS_SENSOR_CHANNEL_STRIDE UINT64_C(0x20)
#define CT_SENSORS_SENSOR_CHANNEL_MAX 4096u

/* flash: Model ROM */
#define CT_FLASH_REGS UINT64_C(0x0)

/* bmc: BMC */
#define CT_BMC_REGS UINT64_C(0x0)

/* dma: DMA controller */
#define CT_DMA_CHANNEL(i) (UINT64_C(0x0) + (uint64_t)(i) * UINT64_C(0x40))
#define CT_DMA_CHANNEL_STRIDE UINT64_C(0x40)
#define CT_DMA_CHANNEL_MAX 64u
#define CT_DMA_WINDOW_TABLE UINT64_C(0x1000)
#define CT_DMA_WINDOW(i) (UINT64_C(0x1010) + (uint64_t)(i) * UINT64_C(0x20))
#define CT_DMA_WINDOW_STRIDE UINT64_C(0x20)
#define CT_DMA_WINDOW_MAX 8u

#endif /* CT_REGS_H */
