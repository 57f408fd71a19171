#!/bin/bash
# Damaged sessions never fail a connection: petls client --sess-in with a
# truncated, tampered (in its header and in the server's ticket), empty or
# foreign file gets a full handshake, the server keeps serving, and the
# undamaged session still resumes afterwards. TLS 1.3 and 1.2, both server
# modes.
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

CA=(--ca "$CERTS/ca.pem" --servername localhost)

# flip FILE OFFSET OUT: copies FILE with the byte at OFFSET inverted.
flip() {
    cp "$1" "$3"
    local b
    b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    printf '%b' "$(printf '\\%03o' $((255 - b)))" |
        dd of="$3" bs=1 seek="$2" conv=notrunc status=none
}

for mode in stateless stateful; do
    mode_args=()
    [ "$mode" = stateful ] && mode_args=(--no-tickets)
    start_petls_server "srv-$mode" --cert "$CERTS/server-ecdsa.pem" \
        --key "$CERTS/server-ecdsa.key" --json "${mode_args[@]}"
    for v in TLSv1.3 TLSv1.2; do
        name=$mode-$v
        section "$name"
        vargs=(--min-version "$v" --max-version "$v")
        good=$TMP/$name.sess
        run_petls_client "$name-good" "127.0.0.1:$PORT" "${CA[@]}" \
            "${vargs[@]}" --sess-out "$good"
        assert_status "$name --sess-out" 0 "$STATUS"
        size=$(stat -c %s "$good")
        head -c $((size / 2)) "$good" >"$TMP/$name.trunc"
        flip "$good" 8 "$TMP/$name.hdr"
        flip "$good" $((size - 20)) "$TMP/$name.tail"
        : >"$TMP/$name.empty"
        head -c 300 /dev/urandom >"$TMP/$name.random"
        bads=(trunc hdr)
        # Files petls refuses before connecting do not depend on the mode.
        [ "$mode" = stateless ] && bads+=(empty random)
        # The tail of the file is the server's ticket, which the server
        # checks. A stateful TLS 1.2 session carries no ticket: a byte
        # flipped there may be one the resumption never reads.
        [ "$name" != stateful-TLSv1.2 ] && bads+=(tail)
        for bad in "${bads[@]}"; do
            run_petls_client "$name-$bad" "127.0.0.1:$PORT" "${CA[@]}" \
                "${vargs[@]}" --sess-in "$TMP/$name.$bad"
            assert_status "$name $bad session" 0 "$STATUS"
            assert_eq "$name $bad session" "New, $v" \
                "$(head -n1 <<<"$OUT" | cut -d, -f1-2)"
        done
        run_petls_client "$name-again" "127.0.0.1:$PORT" "${CA[@]}" \
            "${vargs[@]}" --sess-in "$good"
        assert_status "$name good session" 0 "$STATUS"
        assert_eq "$name good session after the bad ones" "Reused, $v" \
            "$(head -n1 <<<"$OUT" | cut -d, -f1-2)"
    done
    # A client that closes right after its Finished can cut the server
    # short while it sends TLS 1.3 tickets (a write error on its side);
    # anything else would be a handshake the damaged sessions broke.
    assert_eq "$mode server: no failed handshake" "" \
        "$(grep '"handshake_failed"' "$TMP/srv-$mode.out" |
            grep -v -e 'Broken pipe' -e 'Connection reset' || true)"
    CHECKS=$((CHECKS + 1))
    if kill -0 "$SERVER_PID" 2>/dev/null; then pass "$mode server still up";
    else fail "$mode server died"; fi
    stop_bg "$SERVER_PID"
done
