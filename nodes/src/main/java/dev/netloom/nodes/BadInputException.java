package dev.netloom.nodes;

/** The user gave something netloom cannot use: a name, a file, an option. Exit code 2; nothing was created. */
public class BadInputException extends NetloomException {

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int exitCode() {
        return 2;
    }
}
