package dev.netloom.nodes.qmp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An asynchronous QMP event such as SHUTDOWN, RESET, POWERDOWN or STOP.
 *
 * @param name            the event name as QEMU spells it (upper case)
 * @param data            the event's {@code data} member; an empty object when QEMU sent none
 * @param timestampMicros QEMU's wall-clock timestamp in microseconds since the epoch
 */
public record QmpEvent(String name, JsonNode data, long timestampMicros) {
}
