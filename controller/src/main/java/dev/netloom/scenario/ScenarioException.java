package dev.netloom.scenario;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.Escape;

/**
 * A scenario file that netloom cannot use. The message is one line,
 * {@code FILE:LINE:COLUMN: /json/pointer: problem; fix}, so editors and terminals can jump to it.
 * Every message is formed here, and here the file name, pointer and problem (which quote names,
 * keys and commands from the file) have their control and invisible characters escaped
 * ({@link Escape#oneLine}): a hostile file cannot split the line or drive the terminal.
 */
public class ScenarioException extends BadInputException {

    private final String source;
    private final String pointer;
    private final int line;
    private final int column;

    /** An error at a place in the file; {@code pointer} is a JSON pointer ("" for the whole document). */
    public ScenarioException(String source, int line, int column, String pointer, String problem) {
        super(Escape.oneLine(source + ":" + line + ":" + column + ": " + (pointer.isEmpty() ? "/" : pointer) + ": " + problem));
        this.source = source;
        this.pointer = pointer;
        this.line = line;
        this.column = column;
    }

    /** An error about the file as a whole (it cannot be read). */
    public ScenarioException(String source, String problem, Throwable cause) {
        super(Escape.oneLine(source + ": " + problem), cause);
        this.source = source;
        this.pointer = "";
        this.line = 0;
        this.column = 0;
    }

    /** The file name as it was given to the loader. */
    public String source() {
        return source;
    }

    /** The JSON pointer of the offending value ("" for the whole document). */
    public String pointer() {
        return pointer;
    }

    /** 1-based line, 0 when the error is not about a place in the file. */
    public int line() {
        return line;
    }

    /** 1-based column, 0 when the error is not about a place in the file. */
    public int column() {
        return column;
    }
}
