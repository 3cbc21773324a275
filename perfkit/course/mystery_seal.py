"""The workshop mystery's answer, sealed (zlib+base64 JSON), see perfkit.course.mystery.

Written by scripts/seal_mystery.py: do not edit by hand. Teachers: ``perfkit mystery --reveal``.
"""

SEALED = (
    "eNp9VsuOHLkR/BWi4bVnAGnE90M+LXZ9MGB492CfvIaQJJPTBXVXjauq1TtY6N8dZLckGzAsDIRqPpKRkZFB/nag"
    "ebvyengvDt+LH37+u/jXZdnpSfztyGI7LVex8fppKiymTezXpS95m5fLXMXLuhTeNt7Ew7av+Ho7P78tL5dHMc2C"
    "RHlel8uLWJrYjzytYrnO4npcNv52ini4L/qkBDY+lbZ9GBMfLpt493XohddpqRh7Iz7pMXqmXx/FcTnVrQc/i315"
    "ZnysgnZhpfiun7rM46Q3ggB3B6A2tf3YZ2ggYCrHJ/En/C+uNO8bhgHvdN+0LT0L/sTrq7id30/6ktR6mTfRoyLa"
    "LRMCIXlBfFoZK9dl309cxWXep9PYOfOv+z3Se/Ey1W0H1u24XLeBpCO/AdXA3/Fdpx5NnGh9ZvHdlaZdPOzTGYXY"
    "AXjrGGbKwJuxaV6w/YRy4cx96XOPb5DOhOnzy38c1ZEg+CbOy7afXsVUTwxWz33JHxBT4ON1E73uPaO+/LRQFQQi"
    "CDi+Tj+JvyLbaX4WfEJJl3msPSOTaR5aua7L/Pweo/jGXwdYlnlnEILFbVm/YXnA1+sgrsN5HAkh8ek87U/ih2Vu"
    "03oeWXdGvlUBeLsWRnYP8/rhG+s36PdfHwZp6wSUt3JuDCD1cax610X87uc///juFvOPI36bfh1yB5HU9wHsyufl"
    "E4/Zu3Qx+Dzdh770yNeUgHZmrhuq0DNHJKp1TD0d3ogDABR+2Td03T9+OxxpO/L4PtjYfFMqlmh11F5lk4pKsQUt"
    "DXtjCycXZazNhRiTLMWn6Ayr6o2svrgeXGafjQ3YIiNzJtmM4SxdsikUV4qJKXuq1qaSlSblc0sRZ0ZyKkRfBkDn"
    "TIr4UYJTMnN1JhqvjIxaZVeIjCOTM6Iqo6iGbEMl7Sl7V4zyuscINXBMFhGsyiUa6VVJHNmamnUkdtFbnSkwRkNS"
    "Wulac8jR+RxraANHTMEgEey2loyuhWTSxVZbW2zFZtZsY3UI703wSZIMoaiofGBZgxsxqFEODD6qDa3q6HQOIVVP"
    "senmARgHVInsyFiZSHow1mIOLnsUwIceQzkLprWPY4/TWlORCR8I2CTKE7SqJciUswV1GaipFQTJAVSZNDhtqJA1"
    "YDCqIkGlVN5wTQWVVVUiN1QeZYjRsQsBxDZGrjI0r1GowamN0SYklMgElbwOINOBOaf7AHlTANAAQnKygBuElNV4"
    "QogGKkcMRE2YbyHYZFl645gkm8TYLj24DBlM+NaSc0jZap2jZA8FeA7KjVwkI4OqQob4igTBuVFPvihXU9alKu9j"
    "sJ6YkAb+Us2mNqgGFcJUj1E911BjcGSDBmm1OK62tEiBUrI1RMqJk0ErKBAEopvWNkC17AlMjlxcyE0GW5VsOQaI"
    "yCmIy6If2BgIu7FsyoHCmLEmGSmza81L/Ks2jhjBSdMgVGuyMiZZCk353n+KW3QtQze2IWHjbY7Umw2wc0W7FK5Z"
    "Do3lUo0q6NCUyMUYOGsKVY/mYMsNzVa1iaoqE6zMUVlFCj3ARbdiXBtaBz4JxFo6iaaGEkxzpkkAV8l1/qH0iK5E"
    "96eCVoHQm7e1gJyWFN1yYe0lBcgAvZw9ZJWyshphvGqKoRZb0C/wAISu6IJe+IIFBIPI9vBPBIGF7/09sNEr7hC4"
    "69eb9sudLzKVj91Ou+0vl+fjzfW6hbeV+T3se+N9x/Vw9z9sPdJar33Fw0znm1WeuRxpnrbz4+HzG/FfRlildDFb"
    "H1SF80DdGdalE6xGYhSKZ5SpgD10CmpgpQOZFuYppQlOD5F6uFPICmn5BpMJHh4aFaLZWFirZpF0LlkrEEZEQWME"
    "xXEqceNcboVlj78WoSnpLEwg+VrAYihSq6QhaxSjWoY6nUS7o6rWQSBor2qV9aNpa4MzqAJbLgUpwcZzhYqNKfAh"
    "gyJl5WBnXGAevqE/kg+SJcwtkdJm4CBlIwQHgZIlhYS7xjVHV2OCpxlynoKS1qDWKcDpGhyEqnGIXW6G3JqC51t0"
    "Ajckw1LCXLwhNpbRK8GQwuHasWq+SFXhE+A+Fg2FQZxDpAHdBYcHhwwvz6U1ALG4hgKKkBMVbXOVcELdGa0RVg6K"
    "qUnoFRdD/h8Cm/D6wfNxuaz3G3Q8O78oDfcwni5rf2odPvfNH/n1uqz1JpNxF3dc9+v+5rP3V+T4cXstjmP7S6Yf"
    "i1dY+4gbeprrBUeeX7e9vwseNia8Fx4P96UftrJOL/v/2fH2bb2sNB40vxx+95efvv/xl4P4fd+/0WlsxA0gS6Ic"
    "UQebPB0+/xu0+WuF"
)
