package dev.netloom.lab;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Booting nodes and forks start within budgets of their own; a slot goes back once. */
class StartSlotsTest {

    @Test
    void budgets_onTwoCores_areEightBootsAndTwoForks() {
        assertThat(new StartSlots(2).free()).containsExactly(8, 2);
        assertThat(new StartSlots(1).free()).containsExactly(4, 2); // never fewer than two of a kind
    }

    @Test
    void acquire_takesFromItsKindOnly_andReleaseGivesItBackOnce() {
        StartSlots slots = new StartSlots(2);
        StartSlots.Slot fork = slots.acquire(true);
        slots.acquire(true);
        StartSlots.Slot boot = slots.acquire(false);
        assertThat(slots.free()).containsExactly(7, 0);
        fork.release();
        fork.release(); // a node's ready future completes once, but a failure path may release too
        boot.release();
        assertThat(slots.free()).containsExactly(8, 1);
    }
}
