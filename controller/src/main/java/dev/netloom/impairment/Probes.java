package dev.netloom.impairment;

import java.util.function.Predicate;

/**
 * What a lab found out, once at its start, about where it can shape traffic.
 *
 * @param hostNetem  the host kernel runs netem ({@link HostNetem#probe})
 * @param guestNetem which nodes have tc and netem inside (from their image)
 */
public record Probes(boolean hostNetem, Predicate<String> guestNetem) {
}
