package dev.netloom.nodes.qemu;

import dev.netloom.nodes.BadInputException;

import java.util.Locale;

/** How QEMU runs guest code: hardware virtualisation (KVM), software emulation (TCG), or decided by probing. */
public enum Accel {
    KVM, TCG, AUTO;

    public static Accel parse(String text) {
        if (text == null) {
            throw new BadInputException("no acceleration given: use one of kvm, tcg, auto");
        }
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("unknown acceleration '" + text + "': use one of kvm, tcg, auto");
        }
    }

    public String qemuName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
