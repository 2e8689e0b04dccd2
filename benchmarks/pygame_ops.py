"""The pygame operations a frame of the simulator view uses, timed one by one.

Not part of ``make bench`` (no budget): run it with the Python of each pygame distribution to
compare them, e.g. ``SDL_VIDEODRIVER=dummy python benchmarks/pygame_ops.py`` in a virtualenv
with ``pygame`` and in one with ``pygame-ce``. docs/simulator.md gives the figures that chose
pygame-ce.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

SIZE = (1280, 720)


def timed(label: str, fn, repeat: int = 200) -> None:
    fn()
    t0 = time.process_time()
    for _ in range(repeat):
        fn()
    ms = (time.process_time() - t0) / repeat * 1000
    print(f"  {label:<48} {ms:8.3f} ms")


def main() -> None:
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode(SIZE)
    print(f"{pygame.version.ver} (SDL {'.'.join(map(str, pygame.get_sdl_version()))})")
    tile = pygame.Surface((256, 256)).convert()
    tile.fill((84, 86, 91))
    tiles = [(tile, (x, y)) for x in range(-100, 1280, 256) for y in range(-100, 720, 256)]
    light = pygame.Surface(SIZE).convert()
    light.fill((90, 90, 120))
    small = pygame.Surface((640, 360)).convert()
    sprite = pygame.Surface((110, 60), pygame.SRCALPHA)
    pygame.draw.rect(sprite, (200, 30, 30), (5, 5, 100, 50), border_radius=8)
    glow = pygame.Surface((40, 40)).convert()
    glow.fill((120, 20, 10))
    timed("35 road tiles blitted (the view's ground)", lambda: screen.blits(tiles, doreturn=False))
    timed("fill BLEND_MULT 1280x720 (rain: overcast)",
          lambda: screen.fill((196, 200, 210), special_flags=pygame.BLEND_MULT))  # fmt: skip
    timed("blit BLEND_MULT 1280x720 (night: light map)",
          lambda: screen.blit(light, (0, 0), special_flags=pygame.BLEND_MULT))  # fmt: skip
    timed("smoothscale 640x360 -> 1280x720 (light map)",
          lambda: pygame.transform.smoothscale(small, SIZE, light))  # fmt: skip
    timed("60 glows blit BLEND_ADD (lamps)", lambda: [
        screen.blit(glow, (i * 20, 300), special_flags=pygame.BLEND_ADD) for i in range(60)])  # fmt: skip
    timed(
        "rotozoom a vehicle sprite (cache miss)", lambda: pygame.transform.rotozoom(sprite, 33, 0.5)
    )
    sprites = [(sprite, (i * 30 % 1200, i * 17 % 660)) for i in range(200)]
    timed("200 alpha sprites blitted", lambda: screen.blits(sprites, doreturn=False))
    timed("240 rain streaks (draw.line)", lambda: [
        pygame.draw.line(screen, (190, 200, 215), (i * 5, 10), (i * 5 - 4, 26)) for i in range(240)])  # fmt: skip
    pygame.quit()


if __name__ == "__main__":
    main()
