package dev.netloom.impairment;

import java.util.List;

/**
 * A mechanism that shapes one direction of a link: host netem, guest netem, host TBF. An engine is
 * chosen per direction once, when the lab starts ({@link Shaping}), by preference among those
 * {@link #available} there, and keeps that direction for the lab's life.
 *
 * <p>To add an engine: implement this (a small class with its probe, if it needs one, in
 * {@link Probes}), add it to {@link Shaping#ENGINES} at its place in the preference order, and give
 * it a test and a line in docs/impairments.md.
 */
public interface ImpairmentEngine {

    /** Where an engine's commands run. */
    enum Place {
        /** {@code tc -batch} lines in the lab's namespace. */
        HOST,
        /** Shell commands on the node's console. */
        GUEST
    }

    /** As status shows it: "host-netem". */
    String name();

    Place place();

    /** Whether this engine can shape {@code target} on this lab, from what the probes found. */
    boolean available(Probes probes, Target target);

    /** The fields set in {@code imp} that this engine cannot apply, in key order; netem can apply every field. */
    default List<Field> unsupported(Impairment imp) {
        return List.of();
    }

    /** Why it cannot apply {@link #unsupported} fields, for error messages; empty for engines that apply every field. */
    default String limitation() {
        return "";
    }

    /** Whether this engine can apply {@code imp} ({@link Impairment#NONE} always). */
    default boolean supports(Impairment imp) {
        return unsupported(imp).isEmpty();
    }

    /**
     * What an interface needs before the first of the directions this engine shapes on it gets an
     * impairment (a guest's qdisc tree for a medium's pairs); nothing for most engines.
     */
    default List<String> prepare(Target target) {
        return List.of();
    }

    /**
     * What takes {@link #prepare}'s work away once no direction this engine shapes on the interface
     * has an impairment (it also clears the last one); empty when there is nothing to take away.
     */
    default List<String> release(Target target) {
        return List.of();
    }

    /**
     * The commands that give {@code target} the impairment {@code imp} (replacing what it had;
     * {@link Impairment#NONE} removes it): tc batch lines for {@link Place#HOST}, shell commands for
     * {@link Place#GUEST}.
     *
     * @throws IllegalArgumentException when a value is outside what tc takes
     */
    List<String> commands(Target target, Impairment imp);
}
