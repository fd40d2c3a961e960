package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static dev.netloom.api.JsonLineCodec.MAPPER;

/**
 * JSON-RPC 2.0 answers: a response, an error response, and any failure as the error a client sees
 * (bad input -32602, other netloom failures -32000).
 */
final class RpcMessages {

    private static final Logger log = LoggerFactory.getLogger(RpcMessages.class);

    private RpcMessages() {
    }

    static ObjectNode response(JsonNode id, JsonNode result) {
        ObjectNode o = MAPPER.createObjectNode().put("jsonrpc", "2.0");
        o.set("id", id);
        o.set("result", result);
        return o;
    }

    static ObjectNode errorResponse(JsonNode id, ApiException e) {
        ObjectNode o = MAPPER.createObjectNode().put("jsonrpc", "2.0");
        o.set("id", id);
        ObjectNode error = o.putObject("error").put("code", e.code()).put("message", e.getMessage());
        if (e.data() != null) {
            error.set("data", e.data());
        }
        return o;
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Any failure as the error the client sees: bad input is -32602, other netloom failures -32000. */
    static ApiException toApiException(Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof ApiException a) {
            return a;
        }
        if (t instanceof BadInputException) {
            return new ApiException(ApiException.INVALID_PARAMS, t.getMessage());
        }
        if (t instanceof NetloomException) {
            return new ApiException(ApiException.FAILED, t.getMessage());
        }
        log.warn("api request failed unexpectedly", t);
        return new ApiException(ApiException.FAILED, t.getClass().getSimpleName() + ": " + t.getMessage());
    }
}
