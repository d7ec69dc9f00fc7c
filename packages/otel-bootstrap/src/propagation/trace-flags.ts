/**
 * W3C Trace Context Level 2's random-trace-id flag: at least the right-most 7 bytes of the trace id are random. The
 * OpenTelemetry JS API's `TraceFlags` names only SAMPLED (0x01), but `traceFlags` is a number, so the bit travels
 * wherever the span context does.
 */
export const RANDOM_TRACE_ID_FLAG = 0x02;

/** The flags version 00 defines, sampled and random-trace-id; the others are reserved and must be sent as 0. */
export const KNOWN_TRACE_FLAGS = 0x03;
