package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Units;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What to import and how its console looks ({@code images import KIND FILE} and its options), and the
 * manifest it makes. Null fields take the kind's defaults ({@link ImageKind#defaults()}); generic
 * images have none for the patterns. {@link #manifest()} checks every option before any work.
 *
 * @param kind            an importable kind: generic, openwrt or cloud ({@link ImageKinds#importableNames()})
 * @param file            the disk image (may be gzip-compressed)
 * @param name            the image's name in the store, or null for the kind's default ({@link ImageKind#defaultImageName})
 * @param memoryMiB       default guest memory, or null
 * @param bootPattern     regex of the console line that says the system is up (--boot-pattern)
 * @param promptPattern   regex of the shell prompt (--prompt)
 * @param loginPattern    regex of a login prompt, or null for an auto-logged-in console
 * @param username        sent at the login prompt
 * @param passwordPattern regex of the password prompt, or null
 * @param password        sent at the password prompt
 * @param kernel          kernel for direct boot, or null when the disk boots itself
 * @param initrd          initramfs for direct boot, or null
 * @param kernelArgs      kernel command line for direct boot
 * @param capabilities    e.g. guest-netem
 * @param force           replace an image of the same name
 */
public record ImportRequest(String kind, Path file, String name, Integer memoryMiB,
                            String bootPattern, String promptPattern, String loginPattern, String username,
                            String passwordPattern, String password, Path kernel, Path initrd, String kernelArgs,
                            List<String> capabilities, boolean force) {

    static final List<String> CAPABILITIES = List.of(ImageManifest.GUEST_NETEM, ImageManifest.HUMAN_CONSOLE);

    public ImportRequest {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
    }

    /** A request with every option at its default. */
    public static ImportRequest of(String kind, Path file) {
        return new ImportRequest(kind, file, null, null, null, null, null, null, null, null, null, null, null, List.of(), false);
    }

    public ImportRequest withName(String n) {
        return new ImportRequest(kind, file, n, memoryMiB, bootPattern, promptPattern, loginPattern, username, passwordPattern, password,
                kernel, initrd, kernelArgs, capabilities, force);
    }

    public ImportRequest withPatterns(String boot, String prompt) {
        return new ImportRequest(kind, file, name, memoryMiB, boot, prompt, loginPattern, username, passwordPattern, password,
                kernel, initrd, kernelArgs, capabilities, force);
    }

    public ImportRequest withLogin(String login, String user, String passwordPrompt, String pass) {
        return new ImportRequest(kind, file, name, memoryMiB, bootPattern, promptPattern, login, user, passwordPrompt, pass,
                kernel, initrd, kernelArgs, capabilities, force);
    }

    public ImportRequest withKernel(Path k, Path i, String args) {
        return new ImportRequest(kind, file, name, memoryMiB, bootPattern, promptPattern, loginPattern, username, passwordPattern, password,
                k, i, args, capabilities, force);
    }

    public ImportRequest withMemory(Integer mib) {
        return new ImportRequest(kind, file, name, mib, bootPattern, promptPattern, loginPattern, username, passwordPattern, password,
                kernel, initrd, kernelArgs, capabilities, force);
    }

    public ImportRequest withCapabilities(List<String> caps) {
        return new ImportRequest(kind, file, name, memoryMiB, bootPattern, promptPattern, loginPattern, username, passwordPattern, password,
                kernel, initrd, kernelArgs, caps, force);
    }

    public ImportRequest withForce(boolean f) {
        return new ImportRequest(kind, file, name, memoryMiB, bootPattern, promptPattern, loginPattern, username, passwordPattern, password,
                kernel, initrd, kernelArgs, capabilities, f);
    }

    /**
     * The manifest the import will write (without its fingerprint), from the request alone (no disk
     * access beyond existence checks): every option is validated here, so errors come before any work.
     */
    public ImageManifest manifest() {
        ImageKind k = ImageKinds.forImport(kind);
        requireFile(file, "FILE", "the disk image to import");
        String imageName = name != null ? name : k.defaultImageName(file);
        if (!ImageStore.NAME.matcher(imageName).matches()) {
            throw new BadInputException("invalid image name '" + imageName + "'" + (name == null ? " (derived from the file name)" : "")
                    + ": pass --name with 1-32 characters of a-z, 0-9, '-' and '_', starting with a letter");
        }
        k.checkImport(this);
        ImageKind.Defaults defaults = k.defaults();
        String boot = bootPattern != null ? bootPattern : defaults.bootPattern();
        String prompt = promptPattern != null ? promptPattern : defaults.promptPattern();
        compile(boot, "--boot-pattern");
        compile(prompt, "--prompt");
        checkLogin();
        checkKernel();
        int memory = defaults.memoryMiB();
        if (memoryMiB != null) {
            if (memoryMiB < 16) {
                throw new BadInputException("--memory " + memoryMiB + "M is too little: give at least 16M (e.g. --memory 256M)");
            }
            memory = memoryMiB;
        }
        List<String> caps = capabilities.isEmpty() ? defaults.capabilities() : capabilities;
        for (String c : caps) {
            if (!CAPABILITIES.contains(c)) {
                throw new BadInputException("unknown capability '" + c + "' in --capability: known are " + String.join(", ", CAPABILITIES));
            }
        }
        return new ImageManifest(imageName, k.name(), kernel == null ? null : ImageStore.KERNEL,
                initrd == null ? null : ImageStore.INITRD, ImageStore.DISK, "qcow2", kernel == null ? null : kernelArgs, memory,
                boot, loginPattern, username, passwordPattern, password, prompt, caps, null);
    }

    private void checkLogin() {
        if (loginPattern != null) {
            compile(loginPattern, "--login-pattern");
            if (username == null || username.isBlank()) {
                throw new BadInputException("--login-pattern needs --username: the user to log in as (e.g. --username root)");
            }
        } else if (username != null || passwordPattern != null) {
            throw new BadInputException((username != null ? "--username" : "--password-pattern")
                    + " needs --login-pattern: a regex of the console's login prompt (e.g. 'login: $')");
        }
        if (passwordPattern != null) {
            compile(passwordPattern, "--password-pattern");
            if (password == null) {
                throw new BadInputException("--password-pattern needs --password: what to type at the password prompt");
            }
        } else if (password != null) {
            throw new BadInputException("--password needs --password-pattern: a regex of the password prompt (e.g. 'Password: $')");
        }
        for (String s : new String[] {username, password}) {
            if (s != null && s.chars().anyMatch(c -> c < 0x20)) {
                throw new BadInputException("--username and --password must be one line without control characters");
            }
        }
    }

    private void checkKernel() {
        if (kernel != null) {
            requireFile(kernel, "--kernel", "a kernel for direct boot");
        } else if (initrd != null || kernelArgs != null) {
            throw new BadInputException((initrd != null ? "--initrd" : "--append")
                    + " needs --kernel: without a kernel the disk boots with its own bootloader and kernel command line");
        }
        if (initrd != null) {
            requireFile(initrd, "--initrd", "an initramfs for direct boot");
        }
        if (kernelArgs != null && kernelArgs.chars().anyMatch(c -> c < 0x20)) {
            throw new BadInputException("--append must be one line");
        }
    }

    /** The image name an import of {@code kind} gives {@code file} without --name. */
    public static String defaultName(String kind, Path file) {
        return ImageKinds.forImport(kind).defaultImageName(file);
    }

    /**
     * The image name a file gives: its base name without compression and disk extensions, lower case,
     * other characters as '-', cut at a '-' to 32 characters; {@code kind} when nothing is left.
     */
    static String nameFromFile(String kind, Path file) {
        String base = file.getFileName().toString().toLowerCase(Locale.ROOT);
        base = base.replaceFirst("\\.(gz|xz|zst|bz2)$", "");
        base = base.replaceFirst("\\.(img|qcow2|qcow|raw|vmdk|vdi|vhdx|vhd|qed|iso)$", "");
        String n = base.replaceAll("[^a-z0-9_-]+", "-").replaceAll("-{2,}", "-").replaceAll("^[^a-z]+", "");
        if (n.length() > 32) {
            int cut = n.lastIndexOf('-', 32);
            n = n.substring(0, cut > 0 ? cut : 32);
        }
        n = n.replaceAll("[-_]+$", "");
        return n.isEmpty() ? kind : n;
    }

    /** Parses --memory, a memory size in the grammar of {@link Units#mebibytes}: 256M, 1G, 512 (MiB). */
    public static int parseMemory(String text) {
        long mib;
        try {
            mib = Units.mebibytes(text == null ? "" : text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--memory '" + text + "' is not a size: use e.g. 256M or 1G", e);
        }
        if (mib > Integer.MAX_VALUE) {
            throw new BadInputException("--memory '" + text + "' is too large: use e.g. 256M or 1G");
        }
        return (int) mib;
    }

    private static void requireFile(Path file, String option, String what) {
        if (file == null) {
            throw new BadInputException(option + " is missing: give " + what);
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(option + " " + file + (Files.exists(file) ? " is not a regular file" : " does not exist")
                    + ": give " + what);
        }
        if (!Files.isReadable(file)) {
            throw new BadInputException(option + " " + file + " is not readable: check its permissions");
        }
    }

    private static void compile(String regex, String option) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new BadInputException(option + " '" + regex + "' is not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex() + " (quote literal characters such as [ ( . with \\)", e);
        }
    }
}
