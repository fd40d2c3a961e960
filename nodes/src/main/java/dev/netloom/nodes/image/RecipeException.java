package dev.netloom.nodes.image;

import dev.netloom.nodes.BadInputException;

/**
 * A recipe file netloom cannot use. The message is one line, {@code FILE:LINE:COLUMN: /json/pointer:
 * problem; fix} (or {@code FILE: problem} when the file as a whole is the problem). Exit code 2.
 */
public final class RecipeException extends BadInputException {

    private final String pointer;

    public RecipeException(String source, int line, int column, String pointer, String problem) {
        super(source + (line > 0 ? ":" + line + ":" + column : "") + ": " + (pointer.isEmpty() ? "/" : pointer) + ": " + problem);
        this.pointer = pointer;
    }

    public RecipeException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.pointer = "";
    }

    /** The JSON pointer of the offending value ("" for the whole file). */
    public String pointer() {
        return pointer;
    }
}
