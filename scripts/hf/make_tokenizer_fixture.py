#!/usr/bin/env python3
"""Make the byte-level BPE tokenizer.json fixture of java/src/test/resources/hf/tokenizer-bpe-tiny/ with Hugging Face's
`tokenizers` library (the same model, pre-tokenizer and decoder types as SmolLM2 / Llama 3 / Qwen2 files: BPE over
ByteLevel, special tokens added), plus expected.json: ids and decoded text of a few strings, as `tokenizers` gives them.

  python3 -m venv venv && venv/bin/pip install tokenizers && venv/bin/python scripts/hf/make_tokenizer_fixture.py
"""
import json
import pathlib
import sys

import tokenizers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

OUT = pathlib.Path(__file__).resolve().parents[2] / "java/src/test/resources/hf/tokenizer-bpe-tiny"
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CORPUS = [
    "Instruction tuning teaches a language model to follow instructions.",
    "Translate the sentence to French: The cat sat on the mat.",
    "Is the following review positive or negative? I loved this movie!",
    "Premise: A man is playing a guitar. Hypothesis: A person makes music. Options: yes, no.",
    "The quick brown fox jumps over the lazy dog. 12345 67890 ... !?",
    "Naïve café résumé — ünïcödé text, emoji 🙂 and tabs\tand newlines\n.",
]


def main() -> int:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(CORPUS * 20, trainer)
    OUT.mkdir(parents=True, exist_ok=True)
    tok.save(str(OUT / "tokenizer.json"))
    cases = CORPUS + ["unseen words: zebra quixotic", "<|im_start|>user\nhi<|im_end|>", ""]
    expected = {"tokenizers": tokenizers.__version__, "vocab_size": tok.get_vocab_size(with_added_tokens=True),
                "specials": {s: tok.token_to_id(s) for s in SPECIALS},
                "cases": [{"text": t, "ids": tok.encode(t, add_special_tokens=False).ids,
                           "decoded": tok.decode(tok.encode(t, add_special_tokens=False).ids, skip_special_tokens=False)}
                          for t in cases]}
    (OUT / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {OUT} (tokenizers {tokenizers.__version__}, vocab {expected['vocab_size']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
