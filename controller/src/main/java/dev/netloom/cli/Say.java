package dev.netloom.cli;

/** Progress lines for a person, on stderr so that stdout stays for results. */
final class Say {

    private Say() {
    }

    static void line(String text) {
        System.err.println("netloom: " + text);
        System.err.flush();
    }
}
