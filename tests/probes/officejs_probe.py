"""Runs the LEAK_* functions through xlwings' Office.js runtime.

Started by the tests in a process of its own, because xlwings chooses its
decorators when it is first imported: with XLWINGS_ON_SERVER=true they are the
Office.js ones. Reads a JSON list of calls on stdin and prints
``{"meta": ..., "results": [...]}``.
"""

import asyncio
import json
import sys

import xlwings as xw
from xlwings import server

import leak_udfs.udfs


def main():
    calls = json.load(sys.stdin)
    results = []
    for name, args in calls:
        data = {
            "func_name": name,
            "args": args,
            "caller_address": "Sheet1!A1",
            "formula": f"={name}()",
            "version": xw.__version__,
            "client": "Office.js",
            "runtime": "1.4",
            "culture_info_name": "en-US",
            "date_format": "m/d/yyyy",
        }
        results.append(asyncio.run(server.custom_functions_call(data, leak_udfs.udfs)))
    meta = server.custom_functions_meta(leak_udfs.udfs)
    json.dump({"meta": meta, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
