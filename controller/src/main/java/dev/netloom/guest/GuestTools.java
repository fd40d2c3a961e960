package dev.netloom.guest;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a guest's tools can do, learned at READY with one command ({@link #PROBE}): which {@code ip}
 * it has (iproute2's, BusyBox's reduced applet, or none), whether it has {@code tc} and a kernel
 * that runs netem, {@code sysctl}, whether its kernel has IPv6, whether it reads QEMU's firmware
 * configuration (fwCfg: the qemu_fw_cfg driver has a device, so the lab's /etc/hosts can be copied from
 * there, {@link HostsFile}), and which shell answers. Configuration is written for what is there
 * ({@link GuestConfig#configure}, {@link GuestBatch#join}).
 */
public record GuestTools(Ip ip, boolean tc, boolean netem, boolean sysctl, String shell, boolean ipv6, boolean fwCfg) {

    /** A guest whose kernel has IPv6 and that does not read QEMU's firmware configuration. */
    public GuestTools(Ip ip, boolean tc, boolean netem, boolean sysctl, String shell) {
        this(ip, tc, netem, sysctl, shell, true, false);
    }

    /** A guest that does not read QEMU's firmware configuration. */
    public GuestTools(Ip ip, boolean tc, boolean netem, boolean sysctl, String shell, boolean ipv6) {
        this(ip, tc, netem, sysctl, shell, ipv6, false);
    }

    /** The guest's {@code ip}. */
    public enum Ip {
        /** iproute2: {@code ip -batch}, {@code ip -force}, {@code ip addr replace}. */
        IPROUTE2,
        /** BusyBox's applet (OpenWrt, most small systems): one command per process, {@code addr add} only. */
        BUSYBOX,
        /** No {@code ip} at all: netloom cannot configure the node. */
        NONE
    }

    /** A guest with everything: what images built by netloom have (and what tests assume). */
    public static final GuestTools FULL = new GuestTools(Ip.IPROUTE2, true, true, true, "sh", true, true);

    /**
     * One line, {@code netloom-tools ip=KIND tc=yes|no netem=yes|no sysctl=yes|no ipv6=yes|no fwcfg=yes|no shell=PATH}. netem is
     * tried for real on lo (added and removed at once); {@code ip -V} names iproute2, while BusyBox's
     * applet prints its usage. POSIX shell only: it runs in ash, dash and bash alike.
     */
    public static final String PROBE = "i=none; if command -v ip >/dev/null 2>&1; then if ip -V 2>&1 | grep -q iproute2;"
            + " then i=iproute2; else i=busybox; fi; fi; t=no; n=no; if command -v tc >/dev/null 2>&1; then t=yes;"
            + " if tc qdisc add dev lo root netem delay 0ms 2>/dev/null; then n=yes; tc qdisc del dev lo root 2>/dev/null; fi; fi;"
            + " s=no; command -v sysctl >/dev/null 2>&1 && s=yes; v=no; [ -d /proc/sys/net/ipv6 ] && v=yes;"
            + " f=no; [ -d /sys/firmware/qemu_fw_cfg/by_name ] && f=yes;"
            + " echo \"netloom-tools ip=$i tc=$t netem=$n sysctl=$s ipv6=$v fwcfg=$f shell=$(readlink /proc/$$/exe 2>/dev/null || echo sh)\"";

    private static final Pattern LINE = Pattern.compile("netloom-tools((?: [a-z0-9]+=[^ \\r\\n]*)+)");

    /**
     * The tools a {@link #PROBE}'s output reports.
     *
     * @throws IllegalArgumentException when the output has no probe line (the shell is not POSIX, or the console is out of step)
     */
    public static GuestTools parse(String output) {
        Matcher m = LINE.matcher(output);
        if (!m.find()) {
            throw new IllegalArgumentException("the guest's shell did not answer netloom's tool probe (no \"netloom-tools\" line in: "
                    + output.strip() + ")");
        }
        Map<String, String> fields = new HashMap<>();
        for (String kv : m.group(1).trim().split(" ")) {
            int eq = kv.indexOf('=');
            fields.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Ip ip = switch (fields.getOrDefault("ip", "none")) {
            case "iproute2" -> Ip.IPROUTE2;
            case "busybox" -> Ip.BUSYBOX;
            default -> Ip.NONE;
        };
        return new GuestTools(ip, yes(fields.get("tc")), yes(fields.get("netem")), yes(fields.get("sysctl")),
                fields.getOrDefault("shell", "sh"), !"no".equals(fields.get("ipv6")), yes(fields.get("fwcfg")));
    }

    private static boolean yes(String value) {
        return "yes".equals(value);
    }

    /** For events and errors: "ip busybox, no tc, shell /bin/busybox". */
    public String describe() {
        return "ip " + ip.name().toLowerCase(Locale.ROOT) + ", " + (tc ? (netem ? "tc with netem" : "tc without netem") : "no tc")
                + (ipv6 ? "" : ", no IPv6") + (fwCfg ? ", fw_cfg" : "") + ", shell " + shell;
    }
}
