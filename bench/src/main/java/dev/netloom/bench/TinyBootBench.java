package dev.netloom.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * tiny-boot: what the tiny image's init costs on top of the kernel. Raw QEMU boots the tiny initrd and a
 * bare busybox initramfs on the same kernel with the same arguments, interleaved, and times process
 * start to each one's boot marker on the serial console (piped to the reader, nothing else in between).
 */
final class TinyBootBench implements Benchmark {

    static final double MAX_RATIO = 1.3;
    static final double MAX_INITRD_MB = 25;

    @Override
    public String name() {
        return "tiny-boot";
    }

    @Override
    public String description() {
        return "tiny image vs a bare busybox initramfs, same kernel: QEMU start to boot marker";
    }

    @Override
    public List<Figure> run(BenchContext ctx) throws Exception {
        int reps = ctx.quick() ? 5 : 10;
        Path dir = Files.createDirectory(ctx.scratch().resolve("bare"));
        RawQemu.Boot tiny = ctx.tinyBoot();
        Path bareInitrd = BareInitramfs.build(tiny.initrd(), dir);
        RawQemu.Boot bare = tiny.withInitrd(bareInitrd);

        List<Double> tinyMs = new ArrayList<>();
        List<Double> bareMs = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            // alternate which goes first, so neither always boots on a freshly idle host
            boolean tinyFirst = i % 2 == 0;
            double a = bootMillis(ctx, tinyFirst ? tiny : bare, tinyFirst ? ctx.tinyMarker() : BareInitramfs.MARKER);
            double b = bootMillis(ctx, tinyFirst ? bare : tiny, tinyFirst ? BareInitramfs.MARKER : ctx.tinyMarker());
            tinyMs.add(tinyFirst ? a : b);
            bareMs.add(tinyFirst ? b : a);
            ctx.say(String.format("tiny-boot %d/%d: tiny %.0f ms, bare %.0f ms", i + 1, reps, tinyFirst ? a : b, tinyFirst ? b : a));
        }

        return List.of(
                new Figure(name(), "tiny vs bare busybox initramfs: QEMU start to boot marker", "ms",
                        new Samples(tinyMs), new Samples(bareMs), Target.ratioAtMost(MAX_RATIO), false),
                new Figure(name(), "tiny vs bare busybox initramfs: initramfs size", "MB",
                        Samples.of(Files.size(tiny.initrd()) / 1e6), Samples.of(Files.size(bareInitrd) / 1e6),
                        Target.medianAtMost(MAX_INITRD_MB), false));
    }

    private static double bootMillis(BenchContext ctx, RawQemu.Boot boot, Pattern marker) throws Exception {
        RawQemu q = ctx.running(RawQemu.piped(boot, "bench", marker));
        try {
            return q.awaitLine(BenchContext.BOOT_BUDGET) / 1e6;
        } finally {
            ctx.stopped(q);
        }
    }
}
