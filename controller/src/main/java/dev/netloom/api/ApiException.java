package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.nodes.NetloomException;

/**
 * A JSON-RPC error: the server throws it to answer a request with {@link #code()}, and
 * {@link ApiClient} throws it when the server answered with an error. The codes are documented in
 * docs/api.md.
 */
public class ApiException extends NetloomException {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int FAILED = -32000;
    public static final int UNKNOWN_NAME = -32001;
    public static final int NOT_READY = -32002;
    public static final int TIMEOUT = -32003;
    public static final int BUSY = -32004;
    public static final int UNAUTHORIZED = -32005;

    private final int code;
    private final transient JsonNode data;

    public ApiException(int code, String message) {
        this(code, message, null);
    }

    public ApiException(int code, String message, JsonNode data) {
        super(message);
        this.code = code;
        this.data = data;
    }

    /** The JSON-RPC error code. */
    public int code() {
        return code;
    }

    /** Extra detail the error carries (e.g. the valid names), or null. */
    public JsonNode data() {
        return data;
    }

    /** Bad input (unknown method, bad parameters, unknown names) is exit code 2, like elsewhere in netloom. */
    @Override
    public int exitCode() {
        return code == METHOD_NOT_FOUND || code == INVALID_PARAMS || code == UNKNOWN_NAME ? 2 : 1;
    }

    static ApiException invalidParams(String message) {
        return new ApiException(INVALID_PARAMS, message);
    }
}
