#!/usr/bin/python3
"""Writes the training corpus of the repository's tiny story model.

Every story comes from the small template grammar below (our own words, nothing copied): a hero (a child or an
animal) with a name, a place, a thing found there, a problem, a helper, a feeling and an ending. A quarter of the
stories are wrapped in the chat format of the model's chat template, so that "Tell me a story about a cat." gets
a story about a cat.

Usage: /usr/bin/python3 make_corpus.py [--stories 4000] [--seed 1234] [--out corpus.txt]
Output: one JSON string per line (a whole document, without BOS/EOS; train_tiny_llama.py adds them).
"""
import argparse
import json
import random

GIRLS = ["Lily", "Mia", "Anna", "Sara", "Emma", "Zoe", "Lucy", "Ella", "Rosa", "Nina"]
BOYS = ["Tom", "Ben", "Max", "Sam", "Leo", "Jack", "Tim", "Finn", "Noah", "Oscar"]
ANIMALS = ["cat", "dog", "bunny", "bird", "fox", "bear", "duck", "frog", "mouse", "owl"]
PLACES = ["park", "forest", "garden", "beach", "farm", "river", "hill", "town", "meadow", "lake"]
THINGS = ["ball", "kite", "box", "hat", "shell", "key", "book", "drum", "boat", "star"]
ADJ_THING = ["red", "blue", "big", "small", "shiny", "old", "green", "yellow", "soft", "round"]
ADJ_HERO = ["little", "small", "kind", "happy", "brave", "shy", "curious", "clever"]
LIKES = ["play outside", "run and jump", "sing songs", "read books", "draw pictures", "dance in the sun",
         "climb trees", "look at the sky", "swim in the water", "help her friends"]
WEATHER = ["sunny", "windy", "rainy", "bright", "cold", "warm"]
GOOD_FEEL = ["happy", "glad", "excited", "proud"]
BAD_FEEL = ["sad", "scared", "worried", "upset"]
PROBLEMS = [
    ("the {thing} fell into the water", "pulled the {thing} out of the water"),
    ("the {thing} got stuck in a tree", "climbed up and got the {thing} down"),
    ("the {thing} was broken", "fixed the {thing} with some glue"),
    ("the wind took the {thing} away", "ran fast and caught the {thing}"),
    ("the {thing} was lost in the tall grass", "looked and looked and found the {thing}"),
    ("the {thing} was too heavy to carry", "helped carry the {thing} home"),
]
LESSONS = [
    "It is good to help your friends.",
    "Sharing makes everyone happy.",
    "A friend can make a hard day better.",
    "Being kind is always a good idea.",
    "When we work together, we can do hard things.",
]
ENDINGS = [
    "From that day on, {a} and {b} were best friends.",
    "They played together until the sun went down.",
    "Then they went home and had a big dinner.",
    "That night, {a} went to sleep with a big smile.",
    "{A_pron} never forgot that day at the {place}.",
]
REQUESTS = [
    "Tell me a story about {hero_np}.",
    "Tell me a story about {name}.",
    "Can you tell me a story about {hero_np}?",
    "Write a short story about {hero_np} and a {thing}.",
    "Tell me a story about a {thing}.",
    "Please tell me a story about {hero_np} at the {place}.",
]


def article(word):
    return "an" if word[0] in "aeiou" else "a"


def make_hero(r):
    kind = r.choice(["girl", "boy", "animal"])
    if kind == "girl":
        return dict(name=r.choice(GIRLS), noun="girl", he="she", his="her", him="her")
    if kind == "boy":
        return dict(name=r.choice(BOYS), noun="boy", he="he", his="his", him="him")
    animal = r.choice(ANIMALS)
    name = r.choice(GIRLS + BOYS)
    pron = ("she", "her", "her") if name in GIRLS else ("he", "his", "him")
    return dict(name=name, noun=animal, he=pron[0], his=pron[1], him=pron[2])


def cap(s):
    return s[0].upper() + s[1:]


def story(r):
    h = make_hero(r)
    friend = make_hero(r)
    while friend["name"] == h["name"]:
        friend = make_hero(r)
    adj = r.choice(ADJ_HERO)
    place = r.choice(PLACES)
    thing = r.choice(THINGS)
    tadj = r.choice(ADJ_THING)
    like = r.choice(LIKES)
    if h["his"] == "his":
        like = like.replace("her friends", "his friends")
    name, he, his, him = h["name"], h["he"], h["his"], h["him"]
    He = cap(he)
    problem, fix = r.choice(PROBLEMS)
    problem, fix = problem.format(thing=thing), fix.format(thing=thing)
    f = friend["name"]
    fnoun = friend["noun"]
    s = []
    opening = r.randrange(4)
    if opening == 0:
        s.append(f"Once upon a time, there was {article(adj)} {adj} {h['noun']} named {name}.")
    elif opening == 1:
        s.append(f"Once upon a time, in a {r.choice(['small', 'quiet', 'big', 'green'])} town, there lived {article(adj)} {adj} {h['noun']} named {name}.")
    elif opening == 2:
        s.append(f"There was once {article(adj)} {adj} {h['noun']} called {name}.")
    else:
        s.append(f"{name} was {article(adj)} {adj} {h['noun']}.")
    s.append(f"{He} loved to {like}.")
    day = r.randrange(3)
    if day == 0:
        s.append(f"One {r.choice(WEATHER)} day, {name} went to the {place}.")
    elif day == 1:
        s.append(f"One day, {name} and {his} mom went to the {place}.")
    else:
        s.append(f"Every morning, {name} walked to the {place}. One day, something happened.")
    found = r.randrange(3)
    if found == 0:
        s.append(f"At the {place}, {he} saw {article(tadj)} {tadj} {thing}.")
    elif found == 1:
        s.append(f"{He} found {article(tadj)} {tadj} {thing} under a tree.")
    else:
        s.append(f"There, {he} saw {article(tadj)} {tadj} {thing} next to a big rock.")
    s.append(f"{name} was very {r.choice(GOOD_FEEL)}. {He} wanted to play with the {thing}.")
    s.append(f"But then {problem}.")
    s.append(f"{name} felt {r.choice(BAD_FEEL)}.")
    if r.random() < 0.5:
        s.append(f"\"Oh no!\" said {name}. \"What can I do?\"")
    s.append(f"Just then, {article(fnoun)} {fnoun} named {f} came by.")
    s.append(f"\"Do not be {r.choice(BAD_FEEL)}, {name}. I can help you,\" said {f}.")
    s.append(f"{f} {fix}.")
    s.append(f"{name} was so {r.choice(GOOD_FEEL)}. \"Thank you, {f}!\" {he} said.")
    if r.random() < 0.6:
        s.append(f"They played with the {thing} all day.")
    s.append(r.choice(ENDINGS).format(a=name, b=f, A_pron=He, place=place))
    if r.random() < 0.4:
        s.append(r.choice(LESSONS))
    text = " ".join(s)
    hero_np = f"{article(h['noun'])} {h['noun']}" if r.random() < 0.7 else f"{article(adj)} {adj} {h['noun']}"
    request = r.choice(REQUESTS).format(hero_np=hero_np, name=name, thing=thing, place=place)
    return text, request


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stories", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--chat-fraction", type=float, default=0.25)
    ap.add_argument("--out", default="corpus.txt")
    a = ap.parse_args()
    r = random.Random(a.seed)
    with open(a.out, "w", encoding="utf-8") as out:
        for _ in range(a.stories):
            text, request = story(r)
            if r.random() < a.chat_fraction:
                # The chat template's layout (tokenizer_config.json): <|user|>\n...\n<|assistant|>\n...
                text = f"<|user|>\n{request}\n<|assistant|>\n{text}"
            out.write(json.dumps(text) + "\n")
    print(f"wrote {a.stories} stories to {a.out}")


if __name__ == "__main__":
    main()
