package dev.netloom.impairment;

import java.util.ArrayList;
import java.util.List;

/** netem's arguments for an impairment, shared by the host and guest netem engines. */
final class Netem {

    private Netem() {
    }

    /** "delay D [J] loss P% rate R duplicate P% corrupt P% reorder P%", set fields only. */
    static String args(Impairment imp) {
        imp.needingDelay().ifPresent(f -> {
            throw new IllegalArgumentException(Impairment.delayNeeded(f));
        });
        List<String> args = new ArrayList<>();
        imp.fields().forEach((key, value) -> {
            if (key.equals(Field.JITTER.key())) {
                int last = args.size() - 1; // netem takes jitter as the second value of delay
                args.set(last, args.get(last) + " " + value);
            } else {
                args.add(key + " " + value);
            }
        });
        return String.join(" ", args);
    }
}
