#!/usr/bin/env python3
"""Regenerate the Java pipeline's parity-test fixtures.

Run from anywhere with the reference virtualenv (see README.md):

    /work/venv-ref/bin/python tools/reference/make_fixtures.py

It writes (relative to the repository root):

  pipeline/src/test/resources/reference/tiny-lcm/          tiny random-weight LCM, modern optimum interface
  pipeline/src/test/resources/reference/tiny-lcm-legacy/   same weights, optimum 1.14-1.22 interface, pad "!"
  pipeline/src/test/resources/reference/images/*.png       diffusers (torch) reference images
  pipeline/src/test/resources/reference/cases.json         the image cases
  pipeline/src/test/resources/reference/debug/             raw float32/int64 tensors of the first case
  pipeline/src/test/resources/tokenizer/clip/              full CLIP ViT-L/14 tokenizer files
  pipeline/src/test/resources/tokenizer/cases.json         tokenizer cases (slow and fast ids)
  pipeline/src/test/resources/reference/tiny-taesd/, taesd/  tiny TAESD decoder and its reference images
  pipeline/src/test/resources/reference/prompts/           A1111 prompt syntax: parsed parts, chunks, hidden states,
                                                           and diffusers images from those hidden states
  pipeline/src/test/resources/reference/tiny-vit-classifier/  tiny random-weight ViT image classifier (HF ONNX layout)
  pipeline/src/test/resources/reference/safety/            pictures, ViTImageProcessor pixel values, torch logits
  tools/reference/last-run.txt                             the log of the last run (versions, diffs, interfaces)

Sections can be run alone with --only tokenizer|models|images|taesd|prompts|safety|img2img|inpaint (images, taesd,
prompts, img2img and inpaint need models); img2img (image to image, PIL's Lanczos, the legacy VAE encoder, the
upscalers) lives in img2img_fixtures.py and writes pipeline/src/test/resources/reference/img2img/ and
tools/reference/last-run-img2img.txt; inpaint (masked generation, zoom out and pan, Pillow's GaussianBlur and overlay)
lives in inpaint_fixtures.py and writes pipeline/src/test/resources/reference/inpaint/ and
tools/reference/last-run-inpaint.txt (it reads img2img's source pictures).
Nothing is downloaded: every model is built from a config with seeded random weights, and the CLIP BPE merges
come from the copy of bpe_simple_vocab_16e6.txt.gz shipped inside the open_clip_torch wheel.
"""
import argparse
import gzip
import importlib.metadata as md
import importlib.util
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import prompt_syntax  # noqa: E402  (the A1111 prompt rules, written for this reference)

REPO = Path(__file__).resolve().parents[2]
RES = REPO / "pipeline" / "src" / "test" / "resources"
REF = RES / "reference"
TOK = RES / "tokenizer"
LOG_PATH = Path(__file__).resolve().parent / "last-run.txt"

_log_lines = []


def log(*args):
    line = " ".join(str(a) for a in args)
    print(line, flush=True)
    _log_lines.append(line)


# ---------------------------------------------------------------------------------------------------------------
# CLIP BPE vocabulary
# ---------------------------------------------------------------------------------------------------------------

N_MERGES_FULL = 49152 - 256 - 2  # 48894: the number of merges the CLIP tokenizer uses
N_MERGES_TINY = 1000
SOT, EOT = "<|startoftext|>", "<|endoftext|>"


def bpe_file() -> Path:
    spec = importlib.util.find_spec("open_clip")
    if spec is None or spec.origin is None:
        sys.exit("open_clip_torch is not installed (it ships bpe_simple_vocab_16e6.txt.gz)")
    p = Path(spec.origin).parent / "bpe_simple_vocab_16e6.txt.gz"
    if not p.is_file():
        sys.exit(f"{p} is missing")
    return p


def byte_unicode_order():
    """The 256 byte symbols of GPT-2/CLIP byte-level BPE, in vocabulary order.

    Printable bytes map to themselves (in ascending byte order); the remaining bytes are given code points from
    U+0100 upwards and are listed after them.
    """
    printable = list(range(0x21, 0x7F)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    symbols = [chr(b) for b in printable]
    nxt = 0
    for b in range(256):
        if b not in printable:
            symbols.append(chr(0x100 + nxt))
            nxt += 1
    return symbols


def read_merges(n):
    text = gzip.open(bpe_file(), "rb").read().decode("utf-8")
    lines = text.split("\n")[1:N_MERGES_FULL + 1]  # the first line is a version header
    merges = [tuple(line.split()) for line in lines]
    assert len(merges) == N_MERGES_FULL and all(len(m) == 2 for m in merges)
    return merges[:n]


def write_clip_vocab(folder: Path, n_merges: int):
    """vocab.json (compact, ids in order, like the hub files) and merges.txt (with the '#version: 0.2' header)."""
    merges = read_merges(n_merges)
    base = byte_unicode_order()
    tokens = base + [s + "</w>" for s in base] + ["".join(m) for m in merges] + [SOT, EOT]
    vocab = {}
    for i, t in enumerate(tokens):
        assert t not in vocab, t
        vocab[t] = i
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges), encoding="utf-8")
    return vocab


def write_tokenizer_folder(folder: Path, n_merges: int, pad_token: str = EOT):
    """A tokenizer folder like the hub's: our vocab/merges + tokenizer_config.json/special_tokens_map.json as
    transformers' save_pretrained writes them."""
    from transformers import CLIPTokenizer

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_clip_vocab(tmp / "src", n_merges)
        tok = CLIPTokenizer(str(tmp / "src" / "vocab.json"), str(tmp / "src" / "merges.txt"),
                            pad_token=pad_token, model_max_length=77)
        tok.save_pretrained(str(tmp / "saved"))
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name in ("vocab.json", "merges.txt"):
            shutil.copy(tmp / "src" / name, folder / name)
        for name in ("tokenizer_config.json", "special_tokens_map.json"):
            shutil.copy(tmp / "saved" / name, folder / name)
    return folder


def set_pad_token(folder: Path, pad: str):
    """Make the tokenizer folder's pad token `pad`, written the way SD2 tokenizer folders do (plain strings)."""
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        p = folder / name
        cfg = json.loads(p.read_text(encoding="utf-8"))
        cfg["pad_token"] = pad
        p.write_text(json.dumps(cfg, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------
# C. tokenizer reference
# ---------------------------------------------------------------------------------------------------------------

def tokenizer_prompts():
    P = []
    # plain English / typical prompts
    P += [
        "a photograph of an astronaut riding a horse",
        "A photograph of an astronaut riding a horse",
        "a cat",
        "cat",
        "a",
        "the quick brown fox jumps over the lazy dog",
        "a beautiful landscape with mountains and a lake at sunset",
        "portrait of an old man with a beard, oil painting",
        "a cozy cabin in the snowy woods, warm light in the windows",
        "an isometric illustration of a tiny city on a floating island",
        "a bowl of ramen, food photography, shallow depth of field",
        "cyberpunk street at night, neon signs, rain, reflections",
        "a watercolor painting of a fox in a forest",
        "a red sports car parked in front of a modern house",
        "macro photo of a dew drop on a leaf",
        "a robot reading a book in a library",
        "the starry night by vincent van gogh",
        "a dog wearing sunglasses on the beach",
        "interior of a gothic cathedral, volumetric lighting",
        "a lighthouse on a cliff during a storm",
    ]
    # Stable Diffusion prompt syntax
    P += [
        "(masterpiece:1.2), best quality, 8k, highly detailed",
        "((masterpiece)), (best quality), [worst quality], {ultra detailed}",
        "<lora:foo:0.8> a portrait of a woman, <lora:add_detail:1>",
        "masterpiece, best quality, 1girl, solo, long hair, looking at viewer, smile",
        "photo of a cat | oil painting | trending on artstation",
        "a castle AND a dragon, (fire:1.5), [smoke:clouds:0.5]",
        "score_9, score_8_up, score_7_up, source_anime, rating_safe",
        "embedding:EasyNegative, (low quality:1.4), blurry, jpeg artifacts",
        "a photo of sks dog in a bucket",
        "trending on artstation, octane render, unreal engine 5, 4k uhd, hdr",
        "f/1.8, 85mm, iso 100, 1/200s, bokeh",
        "RAW photo, dslr, soft lighting, high quality, film grain, Fujifilm XT3",
        "beautiful (detailed eyes:1.1), (intricate:0.9), by greg rutkowski and alphonse mucha",
        "[cat|dog] playing chess, ((((very)))) detailed",
        "negative: ugly, deformed, extra fingers, mutated hands",
    ]
    # punctuation and quotes
    P += [
        "hello, world!",
        "hello,world",
        "wait... what?!",
        "a sign that says \"open\"",
        "a sign that says 'open'",
        "a sign that says \u201copen\u201d",
        "a sign that says \u2018open\u2019",
        "the dog\u2019s bone",
        "it\u2019s a trap",
        "rock \u2013 paper \u2014 scissors",
        "semi;colon: and: colons",
        "brackets [] {} () <> and slashes / \\",
        "@#$%^&*()_+-=~`",
        "!!!",
        "???",
        "...",
        "a--b__c..d",
        "\u00abbonjour\u00bb \u201equote\u201c",
        "price: $19.99 / \u20ac20 / \u00a315 / \u00a52000",
        "50% off \u00b7 limited \u2022 time",
        "a \u2192 b \u21d2 c",
        "x\u00b2 + y\u00b2 = z\u00b2, \u221a2 \u2248 1.414, \u03c0 \u2260 3",
        "temperature 25\u00b0C",
        "\u2122 \u00ae \u00a9",
        "ellipsis\u2026 character",
    ]
    # numbers and decimals
    P += [
        "1 2 3 4 5",
        "12345",
        "3.14159",
        "1,000,000 stars",
        "the year 2024",
        "4k 8k 16k 1080p",
        "0.5 1.25 -3.75 +2e10",
        "room 101, floor 7",
        "1st 2nd 3rd 4th",
        "v1.5 v2.1 sdxl-1.0",
        "\u0661\u0662\u0663 arabic-indic digits",
        "\u2460\u2461\u2462 circled digits",
        "\u00bd \u00bc \u00be fractions",
        "MMXXIV roman \u216b numeral",
    ]
    # emoji
    P += [
        "\U0001F600",
        "a happy dog \U0001F436",
        "pizza \U0001F355 and beer \U0001F37A",
        "family \U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466",
        "technologist \U0001F469\U0001F3FD\u200D\U0001F4BB",
        "flags \U0001F1EF\U0001F1F5 \U0001F1FA\U0001F1F8 \U0001F1EB\U0001F1F7",
        "rainbow flag \U0001F3F3\uFE0F\u200D\U0001F308",
        "heart \u2764\uFE0F and \u2764",
        "thumbs up \U0001F44D\U0001F3FB\U0001F44D\U0001F3FF",
        "\u2600\uFE0F\u2601\uFE0F\u2602\uFE0F weather",
        "\U0001F525\U0001F525\U0001F525 fire",
        "keycap 1\uFE0F\u20E3 #\uFE0F\u20E3",
    ]
    # accented Latin
    P += [
        "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e",
        "cafe\u0301 (combining accent)",
        "se\u00f1or pi\u00f1ata ma\u00f1ana",
        "\u00fcber m\u00fcnchen gr\u00fc\u00dfe",
        "stra\u00dfe STRASSE Stra\u00dfe",
        "\u00f8resund bj\u00f8rn \u00e6\u00f8\u00e5",
        "\u00c9COLE \u00c0 PARIS",
        "\u0141\u00f3d\u017a \u017c\u00f3\u0142\u0107",
        "\u010de\u0161tina \u0159\u00ed\u0161e",
        "na\u00efve co\u00f6perate fa\u00e7ade",
        "\u0130stanbul \u0131\u015f\u0131k",
        "\u1EA1 vi\u1EC7t nam ph\u1EDF",
    ]
    # other scripts
    P += [
        "\u03b1\u03b8\u03ae\u03bd\u03b1 \u03b5\u03bb\u03bb\u03ac\u03b4\u03b1",
        "\u0391\u0398\u0397\u039d\u0391 \u03a3\u039f\u03a6\u0399\u0391 \u03c3\u03bf\u03c6\u03af\u03b1\u03c2",
        "\u043c\u043e\u0441\u043a\u0432\u0430 \u043a\u0440\u0430\u0441\u043d\u0430\u044f \u043f\u043b\u043e\u0449\u0430\u0434\u044c",
        "\u041a\u041e\u0422 \u043d\u0430 \u043a\u0440\u044b\u0448\u0435",
        "\u4e00\u53ea\u732b\u5750\u5728\u6905\u5b50\u4e0a",
        "\u5c71\u6c34\u753b \u4e2d\u56fd\u98ce",
        "\u3053\u3093\u306b\u3061\u306f\u4e16\u754c",
        "\u30ab\u30bf\u30ab\u30ca \u3072\u3089\u304c\u306a \u6f22\u5b57",
        "\u5bcc\u58eb\u5c71\u3068\u685c\u3001\u30a2\u30cb\u30e1\u98a8",
        "\uff76\uff80\uff76\uff85 halfwidth katakana",
        "\uc548\ub155\ud558\uc138\uc694 \uc11c\uc6b8",
        "\ud55c\uad6d\uc758 \uc804\ud1b5 \uac74\ucd95",
        "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
        "\u0627\u0644\u0642\u0627\u0647\u0631\u0629 \u0661\u0669\u0668\u0667",
        "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",
        "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e",
        "\u0924\u093e\u091c \u092e\u0939\u0932 \u0906\u0917\u0930\u093e",
        "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e04\u0e23\u0e31\u0e1a",
        "\u0e01\u0e23\u0e38\u0e07\u0e40\u0e17\u0e1e\u0e21\u0e2b\u0e32\u0e19\u0e04\u0e23",
        "\u10e1\u10d0\u10e5\u10d0\u10e0\u10d7\u10d5\u10d4\u10da\u10dd georgian",
        "\u0540\u0561\u0575\u0561\u057d\u057f\u0561\u0576 armenian",
        "\u1200\u1208\u1218 ethiopic",
        "\u0baa\u0bc6\u0ba3\u0bcd tamil",
    ]
    # mixed scripts
    P += [
        "a cat \u732b \u043a\u043e\u0442 \u0642\u0637\u0629 \u05d7\u05ea\u05d5\u05dc",
        "tokyo \u6771\u4eac at night, neon \u30cd\u30aa\u30f3",
        "sushi \u5bff\u53f8 \U0001F363 on a plate",
        "\u00e9l\u00e8ve \u5b66\u751f student \ud559\uc0dd",
        "moscow\u043c\u043e\u0441\u043a\u0432\u0430mixed",
        "abc\u4e2d\u6587def",
        "\u03b1beta\u03b3",
    ]
    # fullwidth, ligatures, compatibility characters
    P += [
        "\uff21\uff22\uff23\uff11\uff12\uff13",
        "\uff48\uff45\uff4c\uff4c\uff4f\u3000\uff57\uff4f\uff52\uff4c\uff44\uff01",
        "\ufb01sh and \ufb02owers, \ufb00ort",
        "\ufb03ce \ufb04 \u0133 \u01c6",
        "\u2160 \u2161 \u2162 roman numerals",
        "\u2122 and \u2120 and \u2116",
        "\u00b5m \u03bcm \u212b \u00c5",
        "\u1d43 superscript \u00b9\u00b2\u00b3",
        "\u2070\u00b9\u00b2 subscript \u2080\u2081\u2082",
        "\U0001d5ee\U0001d5ef\U0001d5f0 math bold",
        "\u24b6\u24b7\u24b8 circled letters",
    ]
    # HTML entities
    P += [
        "tom &amp; jerry",
        "a &lt; b &gt; c",
        "&quot;quoted&quot; &#39;single&#39;",
        "caf&eacute; &copy; 2024 &nbsp;space",
        "&#x1F600; &#128512;",
        "&amp;amp; double escaped",
        "<b>bold</b> &amp; <i>italic</i>",
        "salt &amp pepper (no semicolon)",
    ]
    # mojibake (UTF-8 read as Windows-1252): ftfy repairs it in the slow tokenizer
    P += [
        "caf\u00c3\u00a9 cr\u00c3\u00a8me br\u00c3\u00bbl\u00c3\u00a9e",
        "\u00e2\u20ac\u0153quoted\u00e2\u20ac\u009d text",
        "the dog\u00e2\u20ac\u2122s bone",
    ]
    # contractions and case
    P += [
        "it's a dog",
        "don't stop",
        "we'll see",
        "I'M HERE",
        "they're, you've, she'd, he's",
        "IT'S DON'T WE'LL THEY'RE",
        "rock'n'roll",
        "o'clock o'neill",
        "'s 't 're",
        "dogs' toys",
        "it\u2019s curly, don\u2019t",
        "A PHOTOGRAPH OF AN ASTRONAUT RIDING A HORSE",
        "CamelCaseWordsAndMIXEDcase",
        "iPhone eBay McDonald",
    ]
    # whitespace and control characters
    P += [
        "",
        " ",
        "   ",
        "\t",
        "\n",
        " \t\n \r\n ",
        "  leading spaces",
        "trailing spaces   ",
        "multiple    spaces   between",
        "tab\tseparated\twords",
        "new\nline\nseparated",
        "windows\r\nline endings",
        "\u00a0non-breaking\u00a0space",
        "em\u2003space and thin\u2009space",
        "ideographic\u3000space",
        "zero\u200bwidth\u200bspace",
        "zero\u200cwidth\u200dnon-joiner",
        "soft\u00adhyphen",
        "bell\x07char",
        "null\x00char",
        "escape \x1b[31mred\x1b[0m",
        "form\x0cfeed and vertical\x0btab",
        "del\x7fchar",
        "bom\ufeffinside",
        "\ufeffbom at start",
        "line\u2028separator",
        "right-to-left\u200fmark",
    ]
    # URLs, hashtags, paths, code
    P += [
        "https://example.com/path?query=1&x=y#frag",
        "www.example.org",
        "email me at someone@example.com",
        "#sunset #beach #nofilter",
        "@username mentioned",
        "C:\\Users\\name\\Pictures\\image.png",
        "/home/user/models/sd-v1-5.ckpt",
        "./output/img_0001.png",
        "def f(x): return x**2",
        "{\"prompt\": \"a cat\", \"steps\": 4}",
        "snake_case_identifier and kebab-case-identifier",
        "<|startoftext|>",
        "<|endoftext|>",
        "a <|endoftext|> b",
        "<|startoftext|>hello<|endoftext|>",
        "</w>",
        "hello</w>world",
    ]
    # tricky BPE / word shapes
    P += [
        "supercalifragilisticexpialidocious",
        "pneumonoultramicroscopicsilicovolcanoconiosis",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "abababababababababab",
        "x",
        "q z x j",
        "hello hello hello hello hello",
        "a" * 300,
        "a " * 80,
        "word " * 100,
        "!" * 100,
        "\U0001F600" * 30,
        "\u732b" * 60,
    ]
    # generated realistic prompts
    rng = random.Random(20240611)
    subjects = ["a knight", "an old lighthouse", "a red fox", "a futuristic city", "a cup of coffee", "a samurai",
                "a mermaid", "an astronaut", "a vintage car", "a dragon", "a little girl with an umbrella",
                "a bowl of fruit", "a steampunk airship", "a wolf howling at the moon", "a japanese garden"]
    places = ["in a misty forest", "on mars", "under the sea", "in times square", "on a mountain top",
              "in a medieval village", "at the beach", "in a neon-lit alley", "inside a glass dome", "in space"]
    styles = ["oil painting", "digital art", "studio ghibli style", "photorealistic", "pixel art",
              "by greg rutkowski", "ukiyo-e", "low poly", "concept art", "35mm film photo", "watercolor",
              "trending on artstation", "unreal engine", "cinematic lighting", "(masterpiece:1.3)"]
    extras = ["8k", "highly detailed", "sharp focus", "golden hour", "volumetric fog", "bokeh", "hdr",
              "intricate", "award-winning", "4k wallpaper", "dramatic sky", "soft light", "wide angle"]
    for _ in range(40):
        parts = [rng.choice(subjects) + " " + rng.choice(places)]
        parts += rng.sample(styles, rng.randint(1, 3)) + rng.sample(extras, rng.randint(0, 5))
        sep = rng.choice([", ", ", ", ",", " , ", ". "])
        P.append(sep.join(parts))
    # long prompts (100-300 words) that must be truncated
    words = ("the a of in on with and at beautiful dark bright ancient modern glowing misty golden silver tiny huge "
             "castle river forest mountain city robot dragon flower ocean sky cloud light shadow portrait landscape "
             "detailed intricate painting photo style colorful vibrant soft sharp cinematic epic dreamy surreal "
             "night morning winter summer stone glass metal wooden velvet marble crystal fire water storm").split()
    for n in (100, 150, 200, 250, 300):
        w = [rng.choice(words) for _ in range(n)]
        # sprinkle commas like real prompts
        txt = " ".join(x + ("," if rng.random() < 0.15 else "") for x in w)
        P.append(txt)
    P.append(", ".join(["masterpiece", "best quality", "ultra-detailed", "illustration", "1girl", "solo",
                        "long hair", "blue eyes", "school uniform", "cherry blossoms", "outdoors", "smile",
                        "looking at viewer", "depth of field", "(detailed background:1.2)", "sunlight",
                        "wind", "floating hair", "petals", "sky", "clouds", "from below", "cowboy shot",
                        "hands in pockets", "8k", "extremely detailed CG unity 8k wallpaper", "absurdres",
                        "highres", "official art", "beautiful detailed eyes"]))
    # mixed junk from the generator: combine categories deterministically
    junk = ["caf\u00e9", "\U0001F600", "\u732b", "&amp;", "\u2019s", "\uff21", "\ufb01", "  ", "\t", "1.5", "(x:1.2)",
            "\u043a\u043e\u0442", "\u05e9\u05dc\u05d5\u05dd", "https://a.b/c", "#tag", "I'M", "\u201cq\u201d"]
    for _ in range(20):
        P.append(" ".join(rng.choice(junk + words) for _ in range(rng.randint(3, 12))))
    # de-duplicate while keeping order
    seen, out = set(), []
    for p in P:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def make_tokenizer_reference():
    from transformers import CLIPTokenizer, CLIPTokenizerFast
    from transformers.utils import logging as hf_logging
    import ftfy

    hf_logging.set_verbosity_error()
    folder = write_tokenizer_folder(TOK / "clip", N_MERGES_FULL)
    slow = CLIPTokenizer.from_pretrained(str(folder))
    fast = CLIPTokenizerFast.from_pretrained(str(folder), from_slow=True)
    assert len(slow) == 49408 and slow.pad_token_id == 49407 and slow.model_max_length == 77
    assert slow.fix_text is not None, "ftfy must be installed: the slow tokenizer otherwise uses BasicTokenizer"
    expect = [49406, 320, 8853, 539, 550, 18376, 6765, 320, 4558, 49407] + [49407] * 67
    got = slow("a photograph of an astronaut riding a horse", padding="max_length", max_length=77,
               truncation=True).input_ids
    assert got == expect, got
    log(f"tokenizer: full vocab {len(slow)} entries, astronaut vector OK, ftfy {ftfy.__version__}")

    cases, diffs = [], []
    for p in tokenizer_prompts():
        kw = dict(padding="max_length", max_length=77, truncation=True)
        ids = slow(p, **kw).input_ids
        ids_fast = fast(p, **kw).input_ids
        n = len(slow(p, truncation=False).input_ids) - 2
        assert len(ids) == 77 and len(ids_fast) == 77
        cases.append({"prompt": p, "ids": ids, "content_tokens": n, "ids_fast": ids_fast})
        if ids != ids_fast:
            diffs.append((p, ids, ids_fast))
    TOK.mkdir(parents=True, exist_ok=True)
    with open(TOK / "cases.json", "w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
        f.write("\n]\n")
    log(f"tokenizer: {len(cases)} prompts, {len(diffs)} differ between slow (ftfy) and fast")
    summary = []
    for p, a, b in diffs:
        sa = slow.convert_ids_to_tokens([i for i in a if i != 49407 and i != 49406])
        sb = slow.convert_ids_to_tokens([i for i in b if i != 49407 and i != 49406])
        summary.append(f"  {json.dumps(p, ensure_ascii=False)[:80]}\n      slow: {' '.join(sa)[:150]}\n"
                       f"      fast: {' '.join(sb)[:150]}")
    for s in summary:
        log(s)
    return diffs


# ---------------------------------------------------------------------------------------------------------------
# A. tiny LCM model
# ---------------------------------------------------------------------------------------------------------------

SCHEDULER_CONFIG = {
    # keys and values as in a real LCM SD1.5 scheduler_config.json (SD keys converted from DDIM/PNDM configs)
    "_class_name": "LCMScheduler",
    "_diffusers_version": "0.22.0.dev0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "clip_sample": False,
    "clip_sample_range": 1.0,
    "dynamic_thresholding_ratio": 0.995,
    "num_train_timesteps": 1000,
    "original_inference_steps": 50,
    "prediction_type": "epsilon",
    "rescale_betas_zero_snr": False,
    "sample_max_value": 1.0,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "thresholding": False,
    "timestep_scaling": 10.0,
    "timestep_spacing": "leading",
    "trained_betas": None,
}

TINY_VOCAB = 256 + 256 + N_MERGES_TINY + 2  # 1514


def build_torch_components():
    import torch
    from diffusers import AutoencoderKL, LCMScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=32, in_channels=4, out_channels=4,
        block_out_channels=(8, 16), layers_per_block=1, norm_num_groups=4,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=32, attention_head_dim=2, time_cond_proj_dim=32,
    )
    torch.manual_seed(1)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(8, 16, 16, 16), layers_per_block=1, norm_num_groups=8,
        sample_size=256, scaling_factor=0.3611,
    )
    torch.manual_seed(2)
    te_cfg = CLIPTextConfig(
        vocab_size=TINY_VOCAB, hidden_size=32, intermediate_size=37, num_hidden_layers=2,
        num_attention_heads=4, max_position_embeddings=77, projection_dim=32, hidden_act="quick_gelu",
        bos_token_id=TINY_VOCAB - 2, eos_token_id=TINY_VOCAB - 1, pad_token_id=TINY_VOCAB - 1,
    )
    text_encoder = CLIPTextModel(te_cfg)
    known = {k: v for k, v in SCHEDULER_CONFIG.items()
             if not k.startswith("_") and k not in ("skip_prk_steps", "steps_offset", "timestep_spacing")}
    scheduler = LCMScheduler(**known)
    for m in (unet, vae, text_encoder):
        m.eval()
    return unet, vae, text_encoder, scheduler


def make_pipeline(unet, vae, text_encoder, tokenizer, scheduler):
    from diffusers import LatentConsistencyModelPipeline
    return LatentConsistencyModelPipeline(
        vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet, scheduler=scheduler,
        safety_checker=None, feature_extractor=None, requires_safety_checker=False,
    )


def session_signature(path):
    import onnxruntime as ort
    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    fmt = lambda a: f"{a.name}: {a.type} {a.shape}"  # noqa: E731
    return s, [fmt(a) for a in s.get_inputs()], [fmt(a) for a in s.get_outputs()]


def legacy_text_encoder(src: Path, dst: Path):
    """input_ids int64 -> int32 graph input followed by a Cast to int64 (identical computation)."""
    import onnx
    from onnx import TensorProto, helper
    m = onnx.load(str(src))
    g = m.graph
    inp = next(i for i in g.input if i.name == "input_ids")
    assert inp.type.tensor_type.elem_type == TensorProto.INT64
    inp.type.tensor_type.elem_type = TensorProto.INT32
    new = "input_ids_as_int64"
    for n in g.node:
        for k, x in enumerate(n.input):
            if x == "input_ids":
                n.input[k] = new
    g.node.insert(0, helper.make_node("Cast", ["input_ids"], [new], to=TensorProto.INT64, name="legacy_input_ids_cast"))
    onnx.checker.check_model(m)
    onnx.save(m, str(dst))


def legacy_unet(src_model: Path, dst_dir: Path):
    """timestep float32 rank 0 -> int64 [steps] graph input, then Cast to float32 and Reshape to a scalar."""
    import onnx
    from onnx import TensorProto, helper
    m = onnx.load(str(src_model))  # loads the external data too
    g = m.graph
    inp = next(i for i in g.input if i.name == "timestep")
    tt = inp.type.tensor_type
    assert tt.elem_type == TensorProto.FLOAT and len(tt.shape.dim) == 0, tt
    tt.elem_type = TensorProto.INT64
    d = tt.shape.dim.add()
    d.dim_param = "steps"
    new = "timestep_as_float_scalar"
    for n in g.node:
        for k, x in enumerate(n.input):
            if x == "timestep":
                n.input[k] = new
    shape_const = helper.make_node(
        "Constant", [], ["legacy_timestep_scalar_shape"], name="legacy_timestep_scalar_shape",
        value=helper.make_tensor("legacy_timestep_scalar_shape_value", TensorProto.INT64, [0], []))
    cast = helper.make_node("Cast", ["timestep"], ["timestep_as_float"], to=TensorProto.FLOAT,
                            name="legacy_timestep_cast")
    reshape = helper.make_node("Reshape", ["timestep_as_float", "legacy_timestep_scalar_shape"], [new],
                               name="legacy_timestep_reshape")
    for node in reversed([shape_const, cast, reshape]):
        g.node.insert(0, node)
    save_external(m, dst_dir)


def save_external(model, dst_dir: Path):
    import onnx
    for name in ("model.onnx", "model.onnx_data"):
        if (dst_dir / name).exists():
            (dst_dir / name).unlink()
    onnx.save_model(model, str(dst_dir / "model.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="model.onnx_data", size_threshold=0)
    onnx.checker.check_model(str(dst_dir / "model.onnx"))


def copy_json(src: Path, dst: Path):
    """Copy a config, replacing the temporary-path `_name_or_path` the export writes (keeps runs reproducible)."""
    cfg = json.loads(src.read_text(encoding="utf-8"))
    if "_name_or_path" in cfg:
        part = src.parent.name if src.name == "config.json" else ""
        cfg["_name_or_path"] = "imagine/tiny-lcm" + (f"/{part}" if part else "")
    dst.write_text(json.dumps(cfg, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def export_models():
    import onnx
    import torch
    from transformers import CLIPTokenizer

    modern, legacy = REF / "tiny-lcm", REF / "tiny-lcm-legacy"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        unet, vae, te, sched = build_torch_components()
        tok_dir = write_tokenizer_folder(tmp / "tok", N_MERGES_TINY)
        tok = CLIPTokenizer.from_pretrained(str(tok_dir))
        assert len(tok) == TINY_VOCAB and tok.bos_token_id == TINY_VOCAB - 2 and tok.eos_token_id == TINY_VOCAB - 1
        pipe = make_pipeline(unet, vae, te, tok, sched)
        pipe.save_pretrained(str(tmp / "pt"), safe_serialization=True)
        cli = Path(sys.executable).parent / "optimum-cli"
        cmd = [str(cli), "export", "onnx", "--model", str(tmp / "pt"), "--task", "latent-consistency",
               "--framework", "pt", str(tmp / "onnx")]
        log("running:", " ".join(cmd[1:3]), "onnx --model <tmp>/pt --task latent-consistency <tmp>/onnx")
        r = subprocess.run(cmd, capture_output=True, text=True)
        (tmp / "export.log").write_text(r.stdout + r.stderr)
        if r.returncode != 0:
            print(r.stdout[-4000:], r.stderr[-4000:])
            sys.exit("optimum export failed")
        exported = sorted(str(p.relative_to(tmp / "onnx")) for p in (tmp / "onnx").rglob("*") if p.is_file())
        log("optimum exported:", ", ".join(exported))

        # ---- modern folder
        if modern.exists():
            shutil.rmtree(modern)
        modern.mkdir(parents=True)
        src = tmp / "onnx"
        copy_json(src / "model_index.json", modern / "model_index.json")
        (modern / "scheduler").mkdir()
        (modern / "scheduler" / "scheduler_config.json").write_text(json.dumps(SCHEDULER_CONFIG, indent=2) + "\n")
        shutil.copytree(tok_dir, modern / "tokenizer")
        for part in ("text_encoder", "vae_decoder", "vae_encoder", "unet"):
            (modern / part).mkdir()
            copy_json(src / part / "config.json", modern / part / "config.json")
            if part == "unet":
                save_external(onnx.load(str(src / part / "model.onnx")), modern / part)
            else:
                m = onnx.load(str(src / part / "model.onnx"))
                onnx.save(m, str(modern / part / "model.onnx"))

        # ---- legacy folder
        if legacy.exists():
            shutil.rmtree(legacy)
        shutil.copytree(modern, legacy, ignore=shutil.ignore_patterns("unet", "text_encoder"))
        set_pad_token(legacy / "tokenizer", "!")
        (legacy / "text_encoder").mkdir()
        shutil.copy(modern / "text_encoder" / "config.json", legacy / "text_encoder" / "config.json")
        legacy_text_encoder(modern / "text_encoder" / "model.onnx", legacy / "text_encoder" / "model.onnx")
        (legacy / "unet").mkdir()
        shutil.copy(modern / "unet" / "config.json", legacy / "unet" / "config.json")
        legacy_unet(modern / "unet" / "model.onnx", legacy / "unet")
        ltok = CLIPTokenizer.from_pretrained(str(legacy / "tokenizer"))
        assert ltok.pad_token == "!" and ltok.pad_token_id == 0, (ltok.pad_token, ltok.pad_token_id)

    verify_onnx(modern, legacy=False)
    verify_onnx(legacy, legacy=True)


def load_reference_pipeline(folder: Path):
    """Torch pipeline with the fixture weights, the folder's tokenizer and the folder's scheduler config."""
    from diffusers import LCMScheduler
    from transformers import CLIPTokenizer
    unet, vae, te, _ = build_torch_components()
    tok = CLIPTokenizer.from_pretrained(str(folder / "tokenizer"))
    sched = LCMScheduler.from_config(json.loads((folder / "scheduler" / "scheduler_config.json").read_text()))
    return make_pipeline(unet, vae, te, tok, sched)


def verify_onnx(folder: Path, legacy: bool):
    import torch
    pipe = load_reference_pipeline(folder)
    name = folder.name
    log(f"\n== {name}: ONNX Runtime sessions")
    sess = {}
    for part in ("text_encoder", "unet", "vae_decoder", "vae_encoder"):
        s, ins, outs = session_signature(folder / part / "model.onnx")
        sess[part] = s
        log(f"  {part}/model.onnx")
        for x in ins:
            log(f"    in  {x}")
        for x in outs:
            log(f"    out {x}")
    with torch.no_grad():
        ids = pipe.tokenizer("a photograph of an astronaut riding a horse", padding="max_length", max_length=77,
                             truncation=True, return_tensors="pt").input_ids
        log(f"  tokens (pad {pipe.tokenizer.pad_token!r} = {pipe.tokenizer.pad_token_id}): {ids[0, :12].tolist()}...")
        ref_te = pipe.text_encoder(ids)[0].numpy()
        feed_ids = ids.numpy().astype(np.int32 if legacy else np.int64)
        ort_te = sess["text_encoder"].run(None, {"input_ids": feed_ids})[0]
        log(f"  text_encoder last_hidden_state max|ort-torch| = {np.abs(ort_te - ref_te).max():.3e}")

        g = torch.Generator("cpu").manual_seed(123)
        lat = torch.randn((1, 4, 32, 40), generator=g)
        w = pipe.get_guidance_scale_embedding(torch.tensor([7.5]), embedding_dim=32)
        t = 759
        ref_u = pipe.unet(lat, torch.tensor(t), encoder_hidden_states=torch.from_numpy(ref_te),
                          timestep_cond=w).sample.numpy()
        tfeed = np.array([t], dtype=np.int64) if legacy else np.array(t, dtype=np.float32)
        ort_u = sess["unet"].run(None, {"sample": lat.numpy(), "timestep": tfeed,
                                        "encoder_hidden_states": ref_te, "timestep_cond": w.numpy()})[0]
        log(f"  unet out_sample max|ort-torch| = {np.abs(ort_u - ref_u).max():.3e} (max|out| {np.abs(ref_u).max():.3f})")

        z = lat / pipe.vae.config.scaling_factor
        ref_d = pipe.vae.decode(z).sample.numpy()
        ort_d = sess["vae_decoder"].run(None, {"latent_sample": z.numpy()})[0]
        log(f"  vae_decoder sample max|ort-torch| = {np.abs(ort_d - ref_d).max():.3e}")
        img = torch.rand((1, 3, 256, 320), generator=g) * 2 - 1
        ref_e = pipe.vae.encode(img).latent_dist.parameters.numpy()
        enc_out = sess["vae_encoder"].get_outputs()[0].name
        ort_e = sess["vae_encoder"].run(None, {"sample": img.numpy()})[0]
        log(f"  vae_encoder {enc_out} max|ort-torch| = {np.abs(ort_e - ref_e).max():.3e}")


# ---------------------------------------------------------------------------------------------------------------
# B. reference images
# ---------------------------------------------------------------------------------------------------------------

LONG_PROMPT = ("a highly detailed fantasy landscape with towering crystal mountains, a winding river of liquid "
               "silver, ancient ruins covered in glowing moss, a fleet of airships drifting through golden clouds, "
               "a lone wanderer in a red cloak standing on a cliff, dramatic volumetric lighting, intricate "
               "details, cinematic composition, by a famous concept artist, trending on artstation, 8k resolution, "
               "sharp focus, vivid colors, epic scale, atmospheric perspective, morning mist, birds in the distance")

CASES = [
    # id, model, prompt, seed, steps, guidance, width, height, count
    ("m01-astronaut", "tiny-lcm", "a photograph of an astronaut riding a horse", 0, 4, 8.5, 256, 256, 1),
    ("m02-onestep", "tiny-lcm", "a red fox in a snowy forest, digital art", 42, 1, 8.0, 256, 256, 1),
    ("m03-twostep-gs1", "tiny-lcm", "a cup of coffee on a wooden table", 2024, 2, 1.0, 256, 256, 1),
    ("m04-eightstep-bigseed", "tiny-lcm", "portrait of an old man with a beard, oil painting", 1234567890123, 8, 2.5,
     256, 256, 1),
    ("m05-nonsquare", "tiny-lcm", "a lighthouse on a cliff during a storm", 42, 4, 8.5, 320, 256, 1),
    ("m06-batch2", "tiny-lcm", "a cozy cabin in the snowy woods", 2024, 4, 8.0, 256, 256, 2),
    ("m07-long-prompt", "tiny-lcm", LONG_PROMPT, 0, 2, 8.5, 256, 256, 1),
    ("m08-punctuation", "tiny-lcm", "A cat, 3.5 years old \u2014 sitting on a chair!!! (masterpiece:1.2) #42 & 8k",
     42, 4, 2.5, 256, 256, 1),
    ("m09-empty-prompt", "tiny-lcm", "", 0, 1, 8.5, 256, 256, 1),
    ("m10-bigseed-onestep-wide", "tiny-lcm", "cyberpunk street at night, neon signs", 1234567890123, 1, 1.0, 320, 256,
     1),
    ("m11-threestep", "tiny-lcm", "a bowl of ramen, food photography", 2024, 3, 8.0, 256, 256, 1),
    ("l01-legacy-onestep", "tiny-lcm-legacy", "a photograph of an astronaut riding a horse", 0, 1, 8.5, 256, 256, 1),
    ("l02-legacy-fourstep", "tiny-lcm-legacy", "a photograph of an astronaut riding a horse", 42, 4, 8.0, 256, 256, 1),
    ("l03-legacy-nonsquare", "tiny-lcm-legacy", "a red sports car, 4k, highly detailed", 42, 4, 8.5, 320, 256, 1),
    ("l04-legacy-batch2", "tiny-lcm-legacy", "a watercolor painting of a fox", 0, 1, 2.5, 256, 256, 2),
    # with pad token "!", the slow CLIPTokenizer treats "!" as a special token: it encodes as id 0, not "!</w>"
    ("l05-legacy-bang", "tiny-lcm-legacy", "wow! a dragon!", 2024, 2, 8.5, 256, 256, 1),
]


def save_png(img, path: Path):
    from PIL import Image
    assert img.mode == "RGB"
    Image.frombytes("RGB", img.size, img.tobytes()).save(str(path), format="PNG", optimize=True)


def make_images():
    import torch
    pipes = {}
    img_dir = REF / "images"
    if img_dir.exists():
        shutil.rmtree(img_dir)
    img_dir.mkdir(parents=True)
    dbg_dir = REF / "debug"
    if dbg_dir.exists():
        shutil.rmtree(dbg_dir)
    out = []
    for k, (cid, model, prompt, seed, steps, gs, w, h, count) in enumerate(CASES):
        if model not in pipes:
            pipes[model] = load_reference_pipeline(REF / model)
            pipes[model].set_progress_bar_config(disable=True)
        pipe = pipes[model]
        gens = [torch.Generator("cpu").manual_seed(seed + i) for i in range(count)]
        debug = k == 0
        captured = {"latents_step": [], "denoised_step": []}
        if debug:
            orig_prepare = pipe.prepare_latents

            def prepare(*a, **kw):
                lat = orig_prepare(*a, **kw)
                captured["initial_latents"] = lat.clone()
                return lat
            pipe.prepare_latents = prepare

        def on_step(p, i, t, kw):
            captured["latents_step"].append(kw["latents"].clone())
            captured["denoised_step"].append(kw["denoised"].clone())
            captured.setdefault("timesteps", []).append(int(t))
            captured["prompt_embeds"] = kw["prompt_embeds"].clone()
            captured["w_embedding"] = kw["w_embedding"].clone()
            return {}

        with torch.no_grad():
            res = pipe(prompt=prompt, num_inference_steps=steps, guidance_scale=gs, width=w, height=h,
                       num_images_per_prompt=count, generator=gens, output_type="pil",
                       callback_on_step_end=on_step,
                       callback_on_step_end_tensor_inputs=["latents", "denoised", "prompt_embeds", "w_embedding"])
        if debug:
            pipe.prepare_latents = orig_prepare
        images = []
        for i, im in enumerate(res.images):
            rel = f"images/{cid}-{i}.png"
            save_png(im, REF / rel)
            images.append(rel)
            a = np.asarray(im)
            log(f"  {rel}: {im.size[0]}x{im.size[1]} mean {a.mean():.1f} std {a.std():.1f} "
                f"sat0 {np.mean(a == 0):.3f} sat255 {np.mean(a == 255):.3f}")
        ids = pipe.tokenizer(prompt, padding="max_length", max_length=77, truncation=True).input_ids
        out.append({"id": cid, "model": model, "prompt": prompt, "seed": seed, "steps": steps, "guidance": gs,
                    "width": w, "height": h, "count": count, "images": images,
                    "timesteps": captured.get("timesteps", []), "token_ids": ids})
        if debug:
            dump_debug(pipe, prompt, captured, out[-1])
    with open(REF / "cases.json", "w", encoding="utf-8") as f:
        f.write("[\n" + ",\n".join(
            "  {\n" + ",\n".join(f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in c.items())
            + "\n  }" for c in out) + "\n]\n")
    log(f"images: {len(out)} cases, {sum(len(c['images']) for c in out)} PNGs")
    ort_replay(out)


def ort_replay(cases):
    """Run each case again with the ONNX files (ORT) for the networks and diffusers' scheduler, and compare with
    the torch-made PNGs: the tolerance the Java pipeline can expect."""
    import onnxruntime as ort
    import torch
    from diffusers import LCMScheduler
    from PIL import Image
    log("ORT replay (ONNX networks + diffusers LCMScheduler, same generators) vs the torch PNGs:")
    for c in cases:
        folder = REF / c["model"]
        legacy = c["model"].endswith("legacy")
        so = lambda part: ort.InferenceSession(str(folder / part / "model.onnx"),  # noqa: E731
                                               providers=["CPUExecutionProvider"])
        te, unet, dec = so("text_encoder"), so("unet"), so("vae_decoder")
        sched = LCMScheduler.from_config(json.loads((folder / "scheduler" / "scheduler_config.json").read_text()))
        sf = json.loads((folder / "vae_decoder" / "config.json").read_text())["scaling_factor"]
        b = c["count"]
        ids = np.array([c["token_ids"]], dtype=np.int32 if legacy else np.int64)
        emb = np.repeat(te.run(None, {"input_ids": ids})[0], b, axis=0)
        gens = [torch.Generator("cpu").manual_seed(c["seed"] + i) for i in range(b)]
        shape = (1, 4, c["height"] // 8, c["width"] // 8)
        lat = torch.cat([torch.randn(shape, generator=g) for g in gens])
        from diffusers import LatentConsistencyModelPipeline as P
        wemb = P.get_guidance_scale_embedding(None, torch.full((b,), c["guidance"] - 1.0), embedding_dim=32)
        sched.set_timesteps(c["steps"])
        for t in sched.timesteps:
            tf = np.array([int(t)], dtype=np.int64) if legacy else np.array(float(t), dtype=np.float32)
            eps = unet.run(None, {"sample": lat.numpy(), "timestep": tf, "encoder_hidden_states": emb,
                                  "timestep_cond": wemb.numpy()})[0]
            lat, den = sched.step(torch.from_numpy(eps), t, lat, generator=gens, return_dict=False)
        img = dec.run(None, {"latent_sample": (den / sf).numpy()})[0]
        img = np.clip(img / 2 + 0.5, 0, 1).transpose(0, 2, 3, 1)
        img = (img * 255).round().astype(np.uint8)
        for i, rel in enumerate(c["images"]):
            ref = np.asarray(Image.open(REF / rel)).astype(int)
            d = np.abs(ref - img[i].astype(int))
            log(f"  {rel}: max |ort-torch| = {d.max()} (uint8), pixels differing: {np.mean(d > 0):.5f}")


def dump_debug(pipe, prompt, cap, case):
    d = REF / "debug"
    d.mkdir(parents=True)
    files = {}

    def put(name, t, dtype):
        arr = np.ascontiguousarray(t.detach().cpu().numpy().astype(dtype))
        arr.astype(arr.dtype.newbyteorder("<")).tofile(str(d / name))
        files[name] = {"shape": list(arr.shape), "dtype": "int64" if dtype == np.int64 else "float32"}

    ids = pipe.tokenizer(prompt, padding="max_length", max_length=77, truncation=True,
                         return_tensors="pt").input_ids
    put("token_ids.i64", ids, np.int64)
    put("prompt_embeds.f32", cap["prompt_embeds"], np.float32)
    put("w_embedding.f32", cap["w_embedding"], np.float32)
    put("initial_latents.f32", cap["initial_latents"], np.float32)
    for i, (lat, den) in enumerate(zip(cap["latents_step"], cap["denoised_step"])):
        put(f"step{i}_denoised.f32", den, np.float32)
        put(f"step{i}_latents.f32", lat, np.float32)
    meta = {
        "case": case["id"],
        "description": "raw little-endian tensors, C order. stepN_denoised = denoised after scheduler step N "
                       "(the x0 estimate, decoded on the last step); stepN_latents = prev_sample after step N "
                       "(denoised + fresh noise except on the last step). w_embedding = guidance embedding "
                       "(timestep_cond). Decode: vae_decoder(step_last_denoised / scaling_factor).",
        "timesteps": cap["timesteps"],
        "scaling_factor": pipe.vae.config.scaling_factor,
        "files": files,
    }
    (d / "debug.json").write_text(json.dumps(meta, indent=2) + "\n")
    log(f"debug dump: {len(files)} files for {case['id']}, timesteps {cap['timesteps']}")


# ---------------------------------------------------------------------------------------------------------------
# C. TAESD (the fast decoder): a tiny random AutoencoderTiny, its ONNX decoder, and reference images
# ---------------------------------------------------------------------------------------------------------------

TAESD_DIR = REF / "tiny-taesd"
TAESD_REF = REF / "taesd"
TAESD_LOG_PATH = Path(__file__).resolve().parent / "last-run-taesd.txt"

TAESD_CASES = [
    # id, model (the UNet/text encoder), prompt, seed, steps, guidance, width, height, count
    ("t01-astronaut", "tiny-lcm", "a photograph of an astronaut riding a horse", 0, 4, 8.5, 256, 256, 1),
    ("t02-onestep-nonsquare", "tiny-lcm", "a lighthouse on a cliff during a storm", 42, 1, 8.0, 320, 256, 1),
    ("t03-batch2", "tiny-lcm", "a cozy cabin in the snowy woods", 2024, 2, 2.5, 256, 256, 2),
]


def build_tiny_taesd():
    """diffusers' AutoencoderTiny with 16 channels and one block per level (the real TAESD: 64 channels, 3 blocks);
    four levels, so latents are upsampled 8x like the SD VAE. The last convolution is rescaled per channel so that
    random latents decode to mid-grey +- 0.25 (random weights alone give an almost black picture)."""
    import torch
    from diffusers import AutoencoderTiny
    torch.manual_seed(3)
    taesd = AutoencoderTiny(encoder_block_out_channels=(16, 16, 16, 16), decoder_block_out_channels=(16, 16, 16, 16),
                            num_encoder_blocks=(1, 1, 1, 1), num_decoder_blocks=(1, 1, 1, 1)).eval()
    last = taesd.decoder.layers[-1]
    assert isinstance(last, torch.nn.Conv2d) and last.out_channels == 3
    with torch.no_grad():
        probe = torch.randn((2, 4, 32, 32), generator=torch.Generator("cpu").manual_seed(7)) * 2
        y = (taesd.decode(probe).sample + 1) / 2  # the last conv's output (the decoder maps it by 2y - 1)
        mean, std = y.mean(dim=(0, 2, 3)), y.std(dim=(0, 2, 3))
        a = 0.25 / std
        last.weight.mul_(a.view(3, 1, 1, 1))
        last.bias.copy_(last.bias * a + 0.5 - a * mean)
    return taesd


def export_taesd_decoder(taesd, dst: Path):
    """optimum's exporter with its VaeDecoderOnnxConfig (input `latent_sample`, output `sample`, the SD VAE
    decoder's dynamic axes and opset); only the output axes are computed from AutoencoderTiny's config, which has
    no `up_block_types`. tools/bench-model/build.py exports the full-size TAESD the same way."""
    import copy
    import onnx
    import torch
    from optimum.exporters.onnx.convert import export
    from optimum.exporters.onnx.model_configs import VaeDecoderOnnxConfig

    class TaesdDecoderOnnxConfig(VaeDecoderOnnxConfig):
        @property
        def outputs(self):
            factor = 2 ** (len(self._config.decoder_block_out_channels) - 1)
            return {"sample": {0: "batch_size", 2: f"latent_height * {factor}", 3: f"latent_width * {factor}"}}

    decoder = copy.deepcopy(taesd)
    decoder.forward = lambda latent_sample: decoder.decode(x=latent_sample)
    config = TaesdDecoderOnnxConfig(taesd.config, task="semantic-segmentation")
    if dst.exists():
        shutil.rmtree(dst)
    (dst / "vae_decoder").mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        with torch.no_grad():
            export(model=decoder, config=config, output=Path(tmp) / "model.onnx", opset=config.DEFAULT_ONNX_OPSET)
        onnx.save(onnx.load(str(Path(tmp) / "model.onnx")), str(dst / "vae_decoder" / "model.onnx"))
    cfg = dict(taesd.config)
    cfg = {"_class_name": "AutoencoderTiny", "_diffusers_version": md.version("diffusers"),
           **{k: (list(v) if isinstance(v, tuple) else v) for k, v in cfg.items() if not k.startswith("_")}}
    (dst / "vae_decoder" / "config.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")


def make_taesd():
    import onnxruntime as ort
    import torch
    from diffusers import LCMScheduler
    from PIL import Image
    from transformers import CLIPTokenizer
    start = len(_log_lines)
    taesd = build_tiny_taesd()
    log(f"\n== tiny-taesd: AutoencoderTiny, {sum(p.numel() for p in taesd.decoder.parameters())} decoder parameters, "
        f"scaling_factor {taesd.config.scaling_factor}, shift_factor {taesd.config.shift_factor}")
    export_taesd_decoder(taesd, TAESD_DIR)
    s, ins, outs = session_signature(TAESD_DIR / "vae_decoder" / "model.onnx")
    for x in ins:
        log(f"    in  {x}")
    for x in outs:
        log(f"    out {x}")
    g = torch.Generator("cpu").manual_seed(123)
    lat = torch.randn((1, 4, 32, 40), generator=g) * 3
    with torch.no_grad():
        ref = taesd.decode(lat).sample.numpy()
    got = s.run(None, {"latent_sample": lat.numpy()})[0]
    log(f"  taesd vae_decoder sample max|ort-torch| = {np.abs(got - ref).max():.3e} "
        f"(range {ref.min():.3f}..{ref.max():.3f})")

    # reference images: the tiny-lcm UNet and text encoder, decoded by TAESD, as diffusers does it
    # (LatentConsistencyModelPipeline with vae=AutoencoderTiny: vae.decode(denoised / 1.0), then denormalize)
    if TAESD_REF.exists():
        shutil.rmtree(TAESD_REF)
    (TAESD_REF / "images").mkdir(parents=True)
    folder = REF / "tiny-lcm"
    unet, _, te, _ = build_torch_components()
    tok = CLIPTokenizer.from_pretrained(str(folder / "tokenizer"))
    sched = LCMScheduler.from_config(json.loads((folder / "scheduler" / "scheduler_config.json").read_text()))
    pipe = make_pipeline(unet, taesd, te, tok, sched)
    pipe.set_progress_bar_config(disable=True)
    assert pipe.vae_scale_factor == 8
    out = []
    for cid, model, prompt, seed, steps, gs, w, h, count in TAESD_CASES:
        gens = [torch.Generator("cpu").manual_seed(seed + i) for i in range(count)]
        with torch.no_grad():
            res = pipe(prompt=prompt, num_inference_steps=steps, guidance_scale=gs, width=w, height=h,
                       num_images_per_prompt=count, generator=gens, output_type="pil")
        images = []
        for i, im in enumerate(res.images):
            rel = f"taesd/images/{cid}-{i}.png"
            save_png(im, REF / rel)
            images.append(rel)
            a = np.asarray(im)
            log(f"  {rel}: {im.size[0]}x{im.size[1]} mean {a.mean():.1f} std {a.std():.1f} "
                f"sat0 {np.mean(a == 0):.3f} sat255 {np.mean(a == 255):.3f}")
        out.append({"id": cid, "model": model, "decoder": "tiny-taesd", "prompt": prompt, "seed": seed,
                    "steps": steps, "guidance": gs, "width": w, "height": h, "count": count, "images": images})
    (TAESD_REF / "cases.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    # how far the fast decoder is from the full VAE on the same latents (same seed/prompt as m01)
    full = np.asarray(Image.open(REF / "images/m01-astronaut-0.png")).astype(int)
    fast = np.asarray(Image.open(REF / "taesd/images/t01-astronaut-0.png")).astype(int)
    log(f"  t01 (TAESD) vs m01 (full VAE), same latents: mean |diff| {np.abs(full - fast).mean():.1f} levels")
    TAESD_LOG_PATH.write_text("\n".join(["versions: " + " ".join(versions())] + _log_lines[start:]) + "\n",
                              encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------
# D. prompts in AUTOMATIC1111's syntax: weights, BREAK, long prompts in chunks (prompt_syntax.py has the rules)
# ---------------------------------------------------------------------------------------------------------------

PROMPTS_DIR = REF / "prompts"
PROMPTS_LOG_PATH = Path(__file__).resolve().parent / "last-run-prompts.txt"

WEIGHTED_LONG_PROMPT = (
    "(masterpiece:1.2), a highly detailed fantasy landscape with (towering crystal mountains:1.3), a winding river "
    "of [liquid silver], ancient ruins covered in ((glowing moss)), a fleet of airships drifting through golden "
    "clouds, a lone wanderer in a (red cloak:1.4) standing on a cliff, dramatic volumetric lighting, intricate "
    "details, cinematic composition, by a famous concept artist, [[trending on artstation]], 8k resolution, sharp "
    "focus, vivid colors, (epic scale:0.8), atmospheric perspective, morning mist, birds in the distance")

PROMPT_CASES = [
    # id, model, prompt
    ("e01-no-syntax", "tiny-lcm", "a photograph of an astronaut riding a horse"),
    ("e02-weighted", "tiny-lcm", "a (red:1.3) fox in [the snow], ((masterpiece)), (blurry:0.5)"),
    ("e03-webui-example", "tiny-lcm", "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky)))."),
    ("e04-break", "tiny-lcm", "a red fox in the snow BREAK a (dark forest:1.2) at night"),
    ("e05-long-weighted", "tiny-lcm", WEIGHTED_LONG_PROMPT),
    ("e06-long-plain-words", "tiny-lcm", LONG_PROMPT.replace(",", "") + " and a small boat on a quiet lake"),
    ("e07-escapes-unclosed", "tiny-lcm", "a sign that says \\(open\\) and \\[closed\\], ((a glowing castle"),
    ("e08-leading-break", "tiny-lcm", "BREAK a lighthouse on a cliff"),
    ("e09-zero-and-negative", "tiny-lcm", "a cat (wearing a hat:0) and (a dog : -0.5)"),
    ("e10-legacy-long-break", "tiny-lcm-legacy", "wow! BREAK " + WEIGHTED_LONG_PROMPT),
    ("e11-legacy-weighted", "tiny-lcm-legacy", "wow! a (dragon:1.4)!"),
]

PROMPT_IMAGE_CASES = [
    # id, encoding case (its model and prompt), seed, steps, guidance, width, height
    ("i01-weighted", "e02-weighted", 42, 4, 8.0, 256, 256),
    ("i02-long-weighted", "e05-long-weighted", 0, 2, 8.5, 256, 256),
    ("i03-legacy-long-break", "e10-legacy-long-break", 2024, 3, 8.0, 320, 256),
]


def _json_parts(parts):
    return ["BREAK" if p is prompt_syntax.BREAK else [p[0], p[1]] for p in parts]


def _write_f32(path: Path, t):
    arr = np.ascontiguousarray(t.detach().cpu().numpy().astype(np.float32))
    arr.astype(arr.dtype.newbyteorder("<")).tofile(str(path))


def build_emphasis_text_encoder():
    """The tiny text encoder (seed 2) with its final layer norm scaled by 10 and given a seeded non-zero bias.
    With the default weight 1 and bias 0 every hidden state averages to about 0, so the emphasis rescaling
    (mean before / mean after) would divide rounding noise (the real CLIP's learned bias keeps the mean well away
    from 0); and the tiny UNet hardly listens to such small hidden states: the weights would move its picture by
    0.02 levels on average, below any image tolerance. Scaled, weighting a prompt moves the picture by about 2
    levels on average (up to 18), so an image test can tell weighted from unweighted."""
    import torch
    _, _, te, _ = build_torch_components()
    bias = torch.randn(te.config.hidden_size, generator=torch.Generator("cpu").manual_seed(4)) * 0.5 + 0.25
    with torch.no_grad():
        te.text_model.final_layer_norm.weight.mul_(EMPHASIS_NORM_SCALE)
        te.text_model.final_layer_norm.bias.copy_(bias * EMPHASIS_NORM_SCALE)
    return te


EMPHASIS_NORM_SCALE = 10.0


def export_text_encoder(te, dst: Path):
    """optimum's exporter with the CLIP text config it uses for Stable Diffusion's text_encoder (input_ids int64
    [batch_size, sequence_length]; last_hidden_state, pooler_output)."""
    import onnx
    import torch
    from optimum.exporters.onnx.convert import export
    from optimum.exporters.onnx.model_configs import CLIPTextOnnxConfig
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    config = CLIPTextOnnxConfig(te.config, task="feature-extraction")
    with tempfile.TemporaryDirectory() as tmp:
        with torch.no_grad():
            export(model=te, config=config, output=Path(tmp) / "model.onnx", opset=config.DEFAULT_ONNX_OPSET)
        onnx.save(onnx.load(str(Path(tmp) / "model.onnx")), str(dst / "model.onnx"))
    cfg = te.config.to_dict()
    cfg["_name_or_path"] = "imagine/tiny-lcm/text_encoder-emphasis"
    cfg.pop("transformers_version", None)
    (dst / "config.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def make_prompts():
    import onnxruntime as ort
    import torch
    from diffusers import LCMScheduler
    from transformers import CLIPTokenizer
    start = len(_log_lines)
    prompt_syntax.self_check()
    log("\n== prompts: AUTOMATIC1111 syntax, chunks and Original emphasis on a tiny text encoder "
        "(the web UI's documented parser examples pass)")
    if PROMPTS_DIR.exists():
        shutil.rmtree(PROMPTS_DIR)
    (PROMPTS_DIR / "hidden").mkdir(parents=True)
    (PROMPTS_DIR / "images").mkdir(parents=True)
    te = build_emphasis_text_encoder()
    export_text_encoder(te, PROMPTS_DIR / "text_encoder")
    ort_te, ins, outs = session_signature(PROMPTS_DIR / "text_encoder" / "model.onnx")
    log(f"  text_encoder/model.onnx: in {ins}, out {outs}")
    tokenizers = {m: CLIPTokenizer.from_pretrained(str(REF / m / "tokenizer")) for m in ("tiny-lcm", "tiny-lcm-legacy")}
    cases, embeds = [], {}
    for cid, model, prompt in PROMPT_CASES:
        tok = tokenizers[model]
        parts = prompt_syntax.parse(prompt)
        chunks, count = prompt_syntax.chunk(
            parts, lambda text: tok(text, add_special_tokens=False, truncation=False).input_ids,
            tok.bos_token_id, tok.eos_token_id, tok.pad_token_id, tok.get_vocab().get(",</w>", -1))
        hidden = prompt_syntax.encode(chunks, te)
        embeds[cid] = hidden
        rel = f"prompts/hidden/{cid}.f32"
        _write_f32(REF / rel, hidden)
        # the same with ONNX Runtime's text encoder (what the Java pipeline runs), emphasis in numpy float32
        ort_hidden = []
        means = []
        for ids, weights in chunks:
            z = ort_te.run(None, {"input_ids": np.array([ids], dtype=np.int64)})[0]
            zw = z * np.array(weights, dtype=np.float32).reshape(1, -1, 1)
            ort_hidden.append(zw * (z.mean(dtype=np.float32) / zw.mean(dtype=np.float32)))
            means.append(f"{z.mean():.3f}->{zw.mean():.3f}")
        diff = np.abs(np.concatenate(ort_hidden, axis=1) - hidden.numpy()).max()
        lengths = [len(ids) - 2 - ids[1:].count(tok.pad_token_id) + (tok.pad_token_id == tok.eos_token_id)
                   if tok.pad_token_id == tok.eos_token_id else ids.index(tok.eos_token_id) - 1
                   for ids, _ in chunks]
        log(f"  {cid} ({model} tokenizer): {count} tokens in {len(chunks)} chunks {lengths}, "
            f"hidden {list(hidden.shape)}, weights {sorted({round(w, 4) for _, ws in chunks for w in ws})}, "
            f"chunk means before->after weighting {means}, max|ort-torch| {diff:.2e}")
        cases.append({"id": cid, "model": model, "prompt": prompt, "parts": _json_parts(parts),
                      "content_tokens": count, "chunks": [{"ids": ids, "weights": ws} for ids, ws in chunks],
                      "hidden": rel, "shape": list(hidden.shape)})
    (PROMPTS_DIR / "cases.json").write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    # whole-pipeline images: diffusers' LatentConsistencyModelPipeline (the fixture UNet and VAE, this text
    # encoder) with the prompt_embeds computed above
    unet, vae, _, _ = build_torch_components()
    pipes = {}
    for m in tokenizers:
        sched = LCMScheduler.from_config(json.loads((REF / m / "scheduler" / "scheduler_config.json").read_text()))
        pipes[m] = make_pipeline(unet, vae, te, tokenizers[m], sched)
        pipes[m].set_progress_bar_config(disable=True)
    # A prompt without syntax and within 75 tokens reads exactly as diffusers reads it.
    first = cases[0]
    assert first["id"] == "e01-no-syntax"
    with torch.no_grad():
        diffusers_embeds = pipes["tiny-lcm"].encode_prompt(first["prompt"], "cpu", 1, False)[0]
    ids = tokenizers["tiny-lcm"](first["prompt"], padding="max_length", max_length=77, truncation=True).input_ids
    same = first["chunks"][0]["ids"] == ids and torch.equal(diffusers_embeds, embeds["e01-no-syntax"])
    log(f"  e01-no-syntax equals diffusers' own encode_prompt bit for bit: {same}")
    assert same
    image_cases = []
    for iid, cid, seed, steps, gs, w, h in PROMPT_IMAGE_CASES:
        case = next(c for c in cases if c["id"] == cid)
        with torch.no_grad():
            res = pipes[case["model"]](prompt_embeds=embeds[cid], num_inference_steps=steps, guidance_scale=gs,
                                       width=w, height=h, generator=[torch.Generator("cpu").manual_seed(seed)],
                                       output_type="pil")
        rel = f"prompts/images/{iid}-0.png"
        save_png(res.images[0], REF / rel)
        a = np.asarray(res.images[0])
        log(f"  {rel}: {case['model']} {list(embeds[cid].shape)} seed {seed} steps {steps} guidance {gs} {w}x{h}: "
            f"mean {a.mean():.1f} std {a.std():.1f}")
        image_cases.append({"id": iid, "model": case["model"], "text_encoder": "prompts/text_encoder",
                            "prompt": case["prompt"], "seed": seed, "steps": steps, "guidance": gs, "width": w,
                            "height": h, "count": 1, "images": [rel], "encoding": cid})
    (PROMPTS_DIR / "images.json").write_text(json.dumps(image_cases, indent=1, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    _prompt_images_ort_replay(image_cases, embeds)
    # how much the weights change the picture: each image case again with the same words, unweighted, unbroken
    from PIL import Image
    for c in image_cases:
        p = pipes[c["model"]]
        with torch.no_grad():
            emb = prompt_syntax.encode(prompt_syntax.chunk(
                [(prompt_syntax_plain_text(next(e for e in cases if e["id"] == c["encoding"])), 1.0)],
                lambda text: p.tokenizer(text, add_special_tokens=False, truncation=False).input_ids,
                p.tokenizer.bos_token_id, p.tokenizer.eos_token_id, p.tokenizer.pad_token_id,
                p.tokenizer.get_vocab().get(",</w>", -1))[0], p.text_encoder)
            plain = p(prompt_embeds=emb, num_inference_steps=c["steps"], guidance_scale=c["guidance"],
                      width=c["width"], height=c["height"], generator=[torch.Generator("cpu").manual_seed(c["seed"])],
                      output_type="pil").images[0]
        d = np.abs(np.asarray(Image.open(REF / c["images"][0])).astype(int) - np.asarray(plain).astype(int))
        log(f"  {c['id']} vs the same words without weights or BREAK, same seed: mean |diff| {d.mean():.2f}, "
            f"max {d.max()} levels")
    PROMPTS_LOG_PATH.write_text("\n".join(["versions: " + " ".join(versions())] + _log_lines[start:]) + "\n",
                                encoding="utf-8")


def prompt_syntax_plain_text(case):
    """The case's words without any weight syntax (the parsed runs joined)."""
    return "".join(p[0] for p in case["parts"] if p != "BREAK")


def _prompt_images_ort_replay(image_cases, embeds):
    """The ONNX UNet with the longer encoder_hidden_states (ORT), diffusers' scheduler and the ONNX VAE decoder,
    against the torch PNGs: the UNet's export takes any sequence length."""
    import onnxruntime as ort
    import torch
    from diffusers import LCMScheduler
    from diffusers import LatentConsistencyModelPipeline as P
    from PIL import Image
    log("  ORT replay (ONNX UNet and VAE decoder with these hidden states, diffusers LCMScheduler) vs the torch PNGs:")
    for c in image_cases:
        folder = REF / c["model"]
        legacy = c["model"].endswith("legacy")
        so = lambda part: ort.InferenceSession(str(folder / part / "model.onnx"),  # noqa: E731
                                               providers=["CPUExecutionProvider"])
        unet, dec = so("unet"), so("vae_decoder")  # the text encoder's output is the given hidden states
        sched = LCMScheduler.from_config(json.loads((folder / "scheduler" / "scheduler_config.json").read_text()))
        sf = json.loads((folder / "vae_decoder" / "config.json").read_text())["scaling_factor"]
        gen = torch.Generator("cpu").manual_seed(c["seed"])
        lat = torch.randn((1, 4, c["height"] // 8, c["width"] // 8), generator=gen)
        wemb = P.get_guidance_scale_embedding(None, torch.full((1,), c["guidance"] - 1.0), embedding_dim=32)
        emb = embeds[c["encoding"]].numpy()
        sched.set_timesteps(c["steps"])
        for t in sched.timesteps:
            tf = np.array([int(t)], dtype=np.int64) if legacy else np.array(float(t), dtype=np.float32)
            eps = unet.run(None, {"sample": lat.numpy(), "timestep": tf, "encoder_hidden_states": emb,
                                  "timestep_cond": wemb.numpy()})[0]
            lat, den = sched.step(torch.from_numpy(eps), t, lat, generator=gen, return_dict=False)
        img = dec.run(None, {"latent_sample": (den / sf).numpy()})[0]
        img = (np.clip(img / 2 + 0.5, 0, 1).transpose(0, 2, 3, 1) * 255).round().astype(np.uint8)
        ref = np.asarray(Image.open(REF / c["images"][0])).astype(int)
        d = np.abs(ref - img[0].astype(int))
        log(f"    {c['images'][0]}: encoder_hidden_states {list(emb.shape)}: max |ort-torch| = {d.max()} (uint8), "
            f"pixels differing: {np.mean(d > 0):.5f}")


# ---------------------------------------------------------------------------------------------------------------
# The picture classifier (NSFW detection): a tiny ViTForImageClassification in the Hugging Face ONNX layout
# ---------------------------------------------------------------------------------------------------------------

SAFETY_DIR = REF / "tiny-vit-classifier"
SAFETY_REF = REF / "safety"
SAFETY_LOG_PATH = Path(__file__).resolve().parent / "last-run-safety.txt"
SAFETY_SIZE = 64  # the model's input side; every picture but one needs the resize
SAFETY_LABELS = {0: "normal", 1: "nsfw"}
# id, width, height: 64x64 is the model's own size (no resize); the others shrink, stretch or both
SAFETY_PICTURES = [
    ("exact-64x64", 64, 64),
    ("square-256x256", 256, 256),
    ("nonsquare-320x256", 320, 256),
    ("portrait-512x768", 512, 768),
    ("mixed-48x80", 48, 80),
]
# Pillow's resampling filters by number, each checked on its own against Image.resize
PIL_FILTERS = {1: "lanczos", 2: "bilinear", 3: "bicubic", 4: "box", 5: "hamming"}
SAFETY_RESIZES = [("nonsquare-320x256", 64, 64), ("nonsquare-320x256", 100, 37), ("mixed-48x80", 64, 64)]


def safety_picture(width, height, seed):
    """A deterministic test picture with what stresses a resampler: smooth gradients, hard-edged discs, one-pixel
    stripes and a patch of noise (kept small so the PNG stays small)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    img = np.stack([255 * x / max(width - 1, 1), 255 * y / max(height - 1, 1),
                    128 + 100 * np.sin((x + y) / 9.0)], axis=-1)
    for _ in range(6):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        r = rng.uniform(0.05, 0.3) * min(width, height)
        img[(x - cx) ** 2 + (y - cy) ** 2 < r * r] = rng.integers(0, 256, 3)
    band = (y > height * 0.7) & (y < height * 0.8)
    img[band & (x.astype(int) % 2 == 0)] = 255
    img[band & (x.astype(int) % 2 == 1)] = 0
    n = max(4, min(width, height) // 8)
    img[:n, :n] = rng.integers(0, 256, (n, n, 3))
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def build_tiny_vit():
    """ViTForImageClassification with the architecture of Falconsai/nsfw_image_detection (ViT with a linear head
    on the [CLS] token, labels normal/nsfw) at toy width: hidden 32, 2 layers, 4 heads, patch 16 on 64x64. The head
    is scaled up and then centred on the test pictures (see make_safety), so that the random network's
    probabilities spread over (0, 1) instead of sitting at 0.5 or all on one side."""
    import torch
    from transformers import ViTConfig, ViTForImageClassification
    torch.manual_seed(4)
    config = ViTConfig(image_size=SAFETY_SIZE, patch_size=16, num_channels=3, hidden_size=32, num_hidden_layers=2,
                       num_attention_heads=4, intermediate_size=37, hidden_act="gelu",
                       id2label=dict(SAFETY_LABELS), label2id={v: k for k, v in SAFETY_LABELS.items()})
    model = ViTForImageClassification(config).eval()
    with torch.no_grad():
        model.classifier.weight.mul_(40.0)
    return model


def make_safety():
    import onnxruntime as ort
    import torch
    import transformers
    from PIL import Image
    from transformers import ViTImageProcessor
    start = len(_log_lines)
    model = build_tiny_vit()
    processor = ViTImageProcessor(size={"height": SAFETY_SIZE, "width": SAFETY_SIZE})
    pictures = {cid: safety_picture(w, h, seed=100 + i) for i, (cid, w, h) in enumerate(SAFETY_PICTURES)}
    with torch.no_grad():
        batch = processor(images=[Image.fromarray(p, "RGB") for p in pictures.values()],
                          return_tensors="pt")["pixel_values"]
        model.classifier.bias.sub_(model(pixel_values=batch).logits.mean(dim=0))
    log(f"\n== tiny-vit-classifier: ViTForImageClassification, {sum(p.numel() for p in model.parameters())} "
        f"parameters, labels {SAFETY_LABELS}; processor {type(processor).__name__} (transformers "
        f"{transformers.__version__}): size {processor.size}, resample {processor.resample}, rescale_factor "
        f"{processor.rescale_factor}, mean {processor.image_mean}, std {processor.image_std}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model.save_pretrained(str(tmp / "pt"), safe_serialization=True)
        processor.save_pretrained(str(tmp / "pt"))
        cli = Path(sys.executable).parent / "optimum-cli"
        cmd = [str(cli), "export", "onnx", "--model", str(tmp / "pt"), "--task", "image-classification",
               "--framework", "pt", str(tmp / "onnx")]
        log("running: optimum-cli export onnx --model <tmp>/pt --task image-classification <tmp>/onnx")
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stdout[-4000:], r.stderr[-4000:])
            sys.exit("optimum export failed")
        exported = sorted(str(p.relative_to(tmp / "onnx")) for p in (tmp / "onnx").rglob("*") if p.is_file())
        log("optimum exported:", ", ".join(exported))
        if SAFETY_DIR.exists():
            shutil.rmtree(SAFETY_DIR)
        SAFETY_DIR.mkdir(parents=True)
        for name in ("config.json", "preprocessor_config.json"):
            cfg = json.loads((tmp / "onnx" / name).read_text(encoding="utf-8"))
            if "_name_or_path" in cfg:
                cfg["_name_or_path"] = "imagine/tiny-vit-classifier"
            (SAFETY_DIR / name).write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        shutil.copy(tmp / "onnx" / "model.onnx", SAFETY_DIR / "model.onnx")
    session, ins, outs = session_signature(SAFETY_DIR / "model.onnx")
    for x in ins:
        log(f"    in  {x}")
    for x in outs:
        log(f"    out {x}")

    if SAFETY_REF.exists():
        shutil.rmtree(SAFETY_REF)
    (SAFETY_REF / "pictures").mkdir(parents=True)
    (SAFETY_REF / "resized").mkdir()
    (SAFETY_REF / "pixel_values").mkdir()
    cases = []
    for cid, w, h in SAFETY_PICTURES:
        pixels = pictures[cid]
        rel = f"safety/pictures/{cid}.png"
        save_png(Image.fromarray(pixels, "RGB"), REF / rel)
        picture = Image.open(REF / rel)  # what a user of transformers would do: open the file
        assert np.array_equal(np.asarray(picture), pixels)
        pv = processor(images=picture, return_tensors="pt")["pixel_values"]
        with torch.no_grad():
            logits = model(pixel_values=pv).logits[0]
        probabilities = torch.softmax(logits, dim=-1)
        ort_logits = session.run(None, {"pixel_values": pv.numpy()})[0][0]
        pv_rel = f"safety/pixel_values/{cid}.f32"
        pv.numpy().astype("<f4").tofile(REF / pv_rel)
        # what a wrong preprocessing would change: nearest-neighbour resizing, and transformers' fast (torchvision)
        # processor, which resamples with its own antialiased bilinear
        nearest = processor(images=picture, resample=0, return_tensors="pt")["pixel_values"]
        fast = transformers.ViTImageProcessorFast(size={"height": SAFETY_SIZE, "width": SAFETY_SIZE})(
            images=picture, return_tensors="pt")["pixel_values"]
        with torch.no_grad():
            d_nearest = (model(pixel_values=nearest).logits[0] - logits).abs().max().item()
            d_fast = (model(pixel_values=fast).logits[0] - logits).abs().max().item()
        log(f"  {cid}: probabilities {[round(float(p), 4) for p in probabilities]}, logits "
            f"{[round(float(v), 5) for v in logits]}, max|ort-torch| {np.abs(ort_logits - logits.numpy()).max():.2e}; "
            f"max|logit diff| with nearest resize {d_nearest:.2e}, with ViTImageProcessorFast {d_fast:.2e} "
            f"(pixel_values max diff {(fast - pv).abs().max().item():.3f})")
        cases.append({"id": cid, "picture": rel, "width": w, "height": h, "pixel_values": pv_rel,
                      "pixel_values_shape": list(pv.shape),
                      "logits": [float(v) for v in logits], "probabilities": [float(p) for p in probabilities]})
    (SAFETY_REF / "cases.json").write_text(json.dumps(cases, indent=2) + "\n", encoding="utf-8")

    resizes = []
    for cid, w, h in SAFETY_RESIZES:
        picture = Image.open(REF / f"safety/pictures/{cid}.png")
        for number, name in PIL_FILTERS.items():
            out = picture.resize((w, h), resample=number)
            rel = f"safety/resized/{cid}-{w}x{h}-{name}.png"
            save_png(out, REF / rel)
            resizes.append({"picture": f"safety/pictures/{cid}.png", "resample": number, "width": w, "height": h,
                            "expected": rel})
    (SAFETY_REF / "resizes.json").write_text(json.dumps(resizes, indent=2) + "\n", encoding="utf-8")
    log(f"  {len(resizes)} Pillow resizes (filters {sorted(PIL_FILTERS)}) written for the resampler's own test")
    SAFETY_LOG_PATH.write_text("\n".join(["versions: " + " ".join(versions())] + _log_lines[start:]) + "\n",
                               encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------
# F. image to image and the upscalers (img2img_fixtures.py)
# ---------------------------------------------------------------------------------------------------------------

IMG2IMG_LOG_PATH = Path(__file__).resolve().parent / "last-run-img2img.txt"


def make_img2img():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import img2img_fixtures
    start = len(_log_lines)
    img2img_fixtures.make_img2img(REF, build_torch_components, save_png, log)
    IMG2IMG_LOG_PATH.write_text("\n".join(["versions: " + " ".join(versions())] + _log_lines[start:]) + "\n",
                                encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------
# G. inpaint and outpaint (inpaint_fixtures.py)
# ---------------------------------------------------------------------------------------------------------------

INPAINT_LOG_PATH = Path(__file__).resolve().parent / "last-run-inpaint.txt"


def make_inpaint():
    import inpaint_fixtures
    start = len(_log_lines)
    inpaint_fixtures.make_inpaint(REF, build_torch_components, log)
    INPAINT_LOG_PATH.write_text("\n".join(["versions: " + " ".join(versions())] + _log_lines[start:]) + "\n",
                                encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------

def versions():
    names = ["torch", "diffusers", "transformers", "optimum", "optimum-onnx", "onnx", "onnxruntime", "ftfy",
             "open_clip_torch", "tokenizers", "numpy", "pillow"]
    out = []
    for n in names:
        try:
            out.append(f"{n}=={md.version(n)}")
        except md.PackageNotFoundError:
            out.append(f"{n} (not installed)")
    return out


def seed_check():
    import torch
    big = 1234567890123
    a = torch.randn(8, generator=torch.Generator("cpu").manual_seed(big))
    b = torch.randn(8, generator=torch.Generator("cpu").manual_seed(big & 0xFFFFFFFF))
    log(f"seed {big} (> 2^32): torch.Generator.manual_seed(seed) gives the same randn as seed & 0xFFFFFFFF "
        f"= {big & 0xFFFFFFFF}: {bool(torch.equal(a, b))}; initial_seed() = "
        f"{torch.Generator('cpu').manual_seed(big).initial_seed()}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parts = ["tokenizer", "models", "images", "taesd", "prompts", "safety", "img2img", "inpaint"]
    ap.add_argument("--only", choices=parts, action="append")
    args = ap.parse_args()
    only = set(args.only or parts)
    logging.getLogger("diffusers").setLevel(logging.ERROR)
    import torch
    from transformers.utils import logging as hf_logging
    from diffusers.utils import logging as df_logging
    hf_logging.set_verbosity_error()
    df_logging.set_verbosity_error()
    torch.set_num_threads(2)
    log("versions: " + " ".join(versions()))
    seed_check()
    if "tokenizer" in only:
        make_tokenizer_reference()
    if "models" in only:
        export_models()
    if "images" in only:
        make_images()
    if "taesd" in only:
        make_taesd()
    if "prompts" in only:
        make_prompts()
    if "safety" in only:
        make_safety()
    if "img2img" in only:
        make_img2img()
    if "inpaint" in only:
        make_inpaint()
    if {"tokenizer", "models", "images"} <= only:
        LOG_PATH.write_text("\n".join(_log_lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
