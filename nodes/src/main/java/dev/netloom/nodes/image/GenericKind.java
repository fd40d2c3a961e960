package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;

/** Any disk image with a shell on its serial console: the user says how the console looks (no pattern defaults). */
final class GenericKind implements ImageKind {

    static final String NAME = "generic";
    static final int MEMORY_MIB = 256;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String summary() {
        return "any image with a shell on its serial console (ttyS0); --boot-pattern and --prompt say how its console looks";
    }

    @Override
    public boolean imported() {
        return true;
    }

    @Override
    public Defaults defaults() {
        return new Defaults(null, null, MEMORY_MIB, null);
    }

    @Override
    public void checkImport(ImportRequest r) {
        if (r.bootPattern() == null) {
            throw new BadInputException("--boot-pattern is required for a generic image: a regex of the console line"
                    + " that says the system is up (e.g. 'systemd\\[1\\]: Startup finished' or your init's last line)");
        }
        if (r.promptPattern() == null) {
            throw new BadInputException("--prompt is required for a generic image: a regex of the root shell prompt (e.g. '# $')");
        }
    }
}
