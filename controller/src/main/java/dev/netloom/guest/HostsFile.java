package dev.netloom.guest;

import dev.netloom.nodes.NetloomException;
import dev.netloom.scenario.Cidr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every node's /etc/hosts: its own name on the loopback addresses, then every node's name on the
 * addresses of its eth0. A lab writes the shared part once, as a file that every QEMU of the lab hands
 * its guest through the firmware configuration device ({@link #FIRMWARE_NAME}); a guest that reads it
 * ({@link GuestTools#fwCfg}) copies it with one command of the same few bytes whatever the lab's size.
 * Any other guest has the lines typed over its console, a line per address of every other node, as
 * before: bytes through an emulated UART that grow with the lab (docs/topology.md, "Names").
 */
public final class HostsFile {

    /** The file's name in QEMU's firmware configuration ({@code -fw_cfg name=...}). */
    public static final String FIRMWARE_NAME = "opt/dev.netloom/hosts";
    /** Where the guest's qemu_fw_cfg driver shows it. */
    static final String RAW = "/sys/firmware/qemu_fw_cfg/by_name/" + FIRMWARE_NAME + "/raw";
    /** Keeps each typed /etc/hosts command well below the 4095-character line limit of a serial tty. */
    private static final int CHUNK = 1000;

    private HostsFile() {
    }

    /** The lab's shared lines, "ADDRESS NAME", one per address of every node's eth0, in node order; names and addresses checked. */
    public static String render(Map<String, List<String>> hosts) {
        StringBuilder out = new StringBuilder();
        hosts.forEach((name, addresses) -> addresses.forEach(a -> out.append(line(a, name)).append('\n')));
        return out.toString();
    }

    /** Writes {@link #render} to {@code file} (in the lab's run directory, which the lab's teardown removes). */
    public static void write(Path file, Map<String, List<String>> hosts) {
        try {
            Files.writeString(file, render(hosts), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new NetloomException("cannot write the lab's hosts file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * What rewrites node {@code self}'s /etc/hosts: with {@code firmware}, one command that writes the
     * loopback lines and copies the lab's file; without, the lines typed ({@link #typed}). (A fork's
     * guest lists its own QEMU's firmware files once its image kind's fork identity has run: TinyKind.)
     */
    public static List<String> commands(String self, Map<String, List<String>> hosts, boolean firmware) {
        return firmware ? List.of(fromFirmware(self, hosts)) : typed(self, hosts);
    }

    /** {@code { echo LOOPBACK-LINE;...;cat RAW;}>/etc/hosts}: terse, since every byte goes through the emulated UART; names and addresses need no quotes. */
    static String fromFirmware(String self, Map<String, List<String>> hosts) {
        StringBuilder own = new StringBuilder();
        loopbackLines(self, hosts).forEach(l -> own.append("echo ").append(l).append(';'));
        return "{ " + own + "cat " + RAW + ";}>/etc/hosts";
    }

    /**
     * The lines typed: the loopback lines, then one line per address of every other node, split over
     * several commands (the first truncates, the rest append) when long.
     */
    static List<String> typed(String self, Map<String, List<String>> hosts) {
        List<String> lines = new ArrayList<>(loopbackLines(self, hosts));
        hosts.forEach((name, addresses) -> {
            if (!name.equals(self)) {
                addresses.forEach(address -> lines.add(line(address, name)));
            }
        });
        List<String> commands = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        for (String line : lines) {
            if (command.length() > 0 && command.length() + line.length() > CHUNK) {
                commands.add(finish(command, commands.isEmpty()));
                command.setLength(0);
            }
            command.append(command.length() == 0 ? "printf '%s\\n'" : "").append(" '").append(line).append('\'');
        }
        commands.add(finish(command, commands.isEmpty()));
        return commands;
    }

    /** "127.0.0.1 localhost NAME" (as the image's init writes it), and "::1 localhost NAME" for a node with IPv6. */
    private static List<String> loopbackLines(String self, Map<String, List<String>> hosts) {
        String name = GuestConfig.hostname(self);
        boolean ipv6 = hosts.getOrDefault(self, List.of()).stream().anyMatch(a -> a.contains(":"));
        return ipv6 ? List.of("127.0.0.1 localhost " + name, "::1 localhost " + name) : List.of("127.0.0.1 localhost " + name);
    }

    private static String line(String address, String name) {
        return Cidr.ip(Cidr.parseAddress(address)) + " " + GuestConfig.hostname(name);
    }

    private static String finish(StringBuilder command, boolean first) {
        return command + (first ? " > /etc/hosts" : " >> /etc/hosts");
    }
}
