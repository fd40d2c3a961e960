package dev.netloom.nodes;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * The one Jackson configuration of netloom: every JSON file, protocol message and output is read and
 * written from here, so a setting changes in one place. A site that needs more (the API reads floats
 * as BigDecimal, a manifest tolerates unknown fields) derives it from {@link #MAPPER} once, with
 * {@code copy()}, {@code reader().with(...)} or {@code writer().with(...)}.
 */
public final class Json {

    /** Jackson's defaults: unknown properties of a bound class are errors. Shared: never reconfigure it. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** Indented output, for files and answers that people read. */
    public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {
    }

    /**
     * A parser factory for hand-written files (scenarios, recipes): the shared settings plus {@code //}
     * and block comments. Callers add their own limits and build it once.
     */
    public static JsonFactoryBuilder handWritten() {
        return ((JsonFactoryBuilder) MAPPER.getFactory().rebuild()).enable(JsonReadFeature.ALLOW_JAVA_COMMENTS);
    }
}
