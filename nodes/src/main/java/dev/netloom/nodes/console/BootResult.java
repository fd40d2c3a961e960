package dev.netloom.nodes.console;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A finished boot: how long each phase took (only the phases the spec has, in order), the total,
 * and the stream offset just past the prompt, from where later expectations can start.
 */
public record BootResult(Map<BootPhase, Duration> phases, Duration total, long promptEnd) {

    public BootResult {
        phases = Collections.unmodifiableMap(new EnumMap<>(phases));
    }
}
