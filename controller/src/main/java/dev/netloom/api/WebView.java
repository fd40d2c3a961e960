package dev.netloom.api;

/** The lab's web view as the API's methods see it: started on request, its URL while it serves. */
interface WebView {

    /**
     * Serves the web view on {@code address} ("127.0.0.1:PORT"; null: a free loopback port) unless it
     * already serves, and answers its URL with the lab's token. Blocks while it binds.
     */
    String start(String address);

    /** The URL with the token, or null while the web view does not serve. */
    String url();

    /** A server without a web view (tests of the socket API alone). */
    WebView NONE = new WebView() {
        @Override
        public String start(String address) {
            throw new dev.netloom.nodes.NetloomException("this server has no web view");
        }

        @Override
        public String url() {
            return null;
        }
    };
}
