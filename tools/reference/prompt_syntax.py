"""AUTOMATIC1111's prompt syntax and long-prompt chunking, written from the rules (not from the web UI's code), as the
reference the Java pipeline is checked against (make_fixtures.py --only prompts).

The rules (modules/prompt_parser.py parse_prompt_attention, modules/sd_hijack_clip.py tokenize_line and
process_tokens, modules/sd_emphasis.py EmphasisOriginal, as documented there):

- ``(x)`` multiplies the weight of x by 1.1, ``[x]`` divides it by 1.1, ``(x:1.3)`` multiplies it by 1.3 (spaces
  allowed around the number); groups nest and their factors multiply, the innermost group's first.
- ``\\(`` ``\\)`` ``\\[`` ``\\]`` ``\\\\`` are literal characters; a backslash before anything else is dropped.
- Brackets left open are closed at the end: the round ones first, in the order they were opened, then the square ones.
  A closing bracket without an open one is text; so is a weight with no round bracket open.
- The word BREAK (upper case, on its own; with the spaces around it) ends the chunk.
- Neighbouring runs of equal weight are joined (this decides how the text is tokenized: each run is tokenized alone).
- Tokens go into chunks of 75; when a chunk is full and the next token is not a comma, and the chunk's last comma is
  among its last 20 tokens, the tokens after that comma move on to the next chunk. BREAK ends the chunk at once.
  Each chunk is BOS + tokens + EOS + padding (the tokenizer's pad token) to 77; those positions weigh 1.
- Each chunk is encoded alone; its hidden states are multiplied by the token weights, then rescaled so that the mean
  over the chunk is unchanged. The chunks' hidden states are concatenated along the sequence axis.

Two deliberate differences from the web UI, on input it mishandles: a weight that is not a number (``(a:1.2.3)``) is
text and its ``)`` closes the group as a plain one (the web UI raises); BREAK inside brackets still breaks (the web UI
multiplies its BREAK marker by the bracket's factor and then encodes the word "break").
"""
import re

ROUND = 1.1
SQUARE = 1 / 1.1
CHUNK = 75
COMMA_LOOKBACK = 20

BREAK = None  # the marker for BREAK in a list of parts; text parts are (text, weight) tuples

_TOKEN = re.compile(r"""
    \\(?P<escaped>[()\[\]\\])           # an escaped bracket or backslash: the character itself
  | (?P<lone>\\)                        # any other backslash: dropped
  | (?P<open>[(\[])
  | :\s*(?P<weight>[+-]?[.\d]+)\s*\)    # the end of a weighted group
  | (?P<close>[)\]])
  | (?P<text>[^\\()\[\]:]+)
  | (?P<colon>:)
""", re.X)
_BREAK = re.compile(r"\s*\bBREAK\b\s*")


def parse(prompt):
    """The runs of a prompt: a list of (text, weight) tuples and BREAK markers (None)."""
    runs = []          # [text, weight] lists (mutable: group factors reach back) or BREAK
    rounds, squares = [], []

    def scale(start, factor):
        for run in runs[start:]:
            if run is not BREAK:
                run[1] *= factor

    pos = 0
    while pos < len(prompt):
        m = _TOKEN.match(prompt, pos)
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "weight":
            number = _number(value)
            if rounds and number is not None:
                scale(rounds.pop(), number)
            elif rounds:
                runs.append([":", 1.0])           # not a number: the colon is text, the rest is read on
                pos += 1
                continue
            else:
                runs.append([m.group(0), 1.0])
        elif kind == "escaped":
            runs.append([value, 1.0])
        elif kind == "lone":
            runs.append(["", 1.0])
        elif kind == "open":
            (rounds if value == "(" else squares).append(len(runs))
        elif kind == "close":
            stack, factor = (rounds, ROUND) if value == ")" else (squares, SQUARE)
            if stack:
                scale(stack.pop(), factor)
            else:
                runs.append([value, 1.0])
        elif kind == "text":
            pieces = _BREAK.split(value)
            for k, piece in enumerate(pieces):
                if k:
                    runs.append(BREAK)
                runs.append([piece, 1.0])
        else:
            runs.append([value, 1.0])
        pos = m.end()
    for start in rounds:
        scale(start, ROUND)
    for start in squares:
        scale(start, SQUARE)

    joined = []
    for run in runs:
        if run is not BREAK and joined and joined[-1] is not BREAK and joined[-1][1] == run[1]:
            joined[-1][0] += run[0]
        else:
            joined.append(run)
    parts = [BREAK if run is BREAK else (run[0], run[1]) for run in joined if run is BREAK or run[0]]
    return parts or [("", 1.0)]


def _number(text):
    try:
        return float(text)
    except ValueError:
        return None


def chunk(parts, tokenize, bos, eos, pad, comma, length=CHUNK):
    """Lays the parts' tokens out in chunks. Returns ([(ids, weights)], content token count)."""
    chunks = []
    tokens = []        # (id, weight) of the chunk being filled
    last_comma = -1
    count = 0

    def close():
        nonlocal tokens, last_comma
        ids = [bos] + [t for t, _ in tokens] + [eos] + [pad] * (length - len(tokens))
        weights = [1.0] + [w for _, w in tokens] + [1.0] * (length - len(tokens) + 1)
        chunks.append((ids, weights))
        tokens, last_comma = [], -1

    for part in parts:
        if part is BREAK:
            close()
            continue
        text, weight = part
        for token in tokenize(text):
            if token == comma:
                last_comma = len(tokens)
            elif len(tokens) == length and last_comma >= 0 and length - last_comma <= COMMA_LOOKBACK:
                moved = tokens[last_comma + 1:]
                del tokens[last_comma + 1:]
                close()
                tokens = moved
            if len(tokens) == length:
                close()
            tokens.append((token, weight))
            count += 1
    if tokens or not chunks:
        close()
    return chunks, count


def encode(chunks, text_encoder):
    """Each chunk through the text encoder, weighted with the web UI's Original emphasis, concatenated: [1, 77k, h]."""
    import torch
    out = []
    with torch.no_grad():
        for ids, weights in chunks:
            z = text_encoder(torch.tensor([ids]))[0]
            w = torch.tensor(weights)  # python floats -> float32, as the web UI's torch.asarray(multipliers)
            before = z.mean()
            z = z * w.reshape(1, -1, 1)
            z = z * (before / z.mean())
            out.append(z)
    return torch.cat(out, dim=1)


def self_check():
    """The web UI's own documented examples (its parse_prompt_attention doctests), plus BREAK."""
    cases = {
        "normal text": [("normal text", 1.0)],
        "an (important) word": [("an ", 1.0), ("important", 1.1), (" word", 1.0)],
        "(unbalanced": [("unbalanced", 1.1)],
        "\\(literal\\]": [("(literal]", 1.0)],
        "(unnecessary)(parens)": [("unnecessaryparens", 1.1)],
        "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).": [
            ("a ", 1.0), ("house", 1.5730000000000004), (" ", 1.1), ("on", 1.0), (" a ", 1.1), ("hill", 0.55),
            (", sun, ", 1.1), ("sky", 1.4641000000000006), (".", 1.1)],
        "a BREAK b": [("a", 1.0), BREAK, ("b", 1.0)],
    }
    for prompt, expected in cases.items():
        got = parse(prompt)
        assert got == expected, (prompt, got, expected)
