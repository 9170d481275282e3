#!/usr/bin/python3
# Regenerates the decoder test images and, for each, the RGB pixels Pillow decodes (<file>.npy, uint8 HxWx3).
# Drawn here (no third-party content). Needs Debian's python3-pil and python3-numpy.
import numpy as np
from PIL import Image, ImageDraw
w, h = 24, 17
px = np.zeros((h, w, 3), np.uint8)
for y in range(h):
    for x in range(w):
        px[y, x] = (x * 10 % 256, y * 15 % 256, (x * y * 3) % 256)
img = Image.fromarray(px)
d = ImageDraw.Draw(img)
d.ellipse((3, 2, 14, 12), fill=(250, 40, 30))
d.rectangle((15, 5, 22, 15), fill=(20, 200, 90))
img.save('rgb.png'); img.save('rgb.bmp'); img.save('rgb.ppm')
img.save('rgb.jpg', quality=90, subsampling=2)     # baseline, 4:2:0
img.save('rgb444.jpg', quality=95, subsampling=0)  # baseline, no subsampling
g = img.convert('L'); g.save('gray.pgm'); g.save('gray.jpg', quality=90)
img.convert('P', palette=Image.ADAPTIVE, colors=16).save('palette.png')
img.convert('P', palette=Image.ADAPTIVE, colors=64).save('palette.bmp')
img.convert('RGBA').save('rgba.png')
Image.fromarray(np.asarray(g).astype(np.uint16) * 257).save('gray16.png')
for f in ['rgb.png', 'rgb.bmp', 'rgb.ppm', 'rgb.jpg', 'rgb444.jpg', 'gray.pgm', 'gray.jpg', 'palette.png', 'palette.bmp', 'rgba.png']:
    np.save(f + '.npy', np.asarray(Image.open(f).convert('RGB')))
# Pillow clips 16-bit gray to 255 when converting; the 8-bit rendition of a 16-bit sample is its high byte.
g16 = (np.asarray(Image.open('gray16.png')).astype(np.uint16) >> 8).astype(np.uint8)
np.save('gray16.png.npy', np.stack([g16] * 3, axis=-1))
