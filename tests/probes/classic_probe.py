"""Reads the LEAK_* functions with the classic (Windows) xlwings decorators.

The classic decorators live in ``xlwings.udfs``, which imports pywin32 at the
top; on Linux those imports are stood in for by empty modules, which is enough
to run the decorators and the VBA wrapper generator that "Import Functions"
writes into a workbook (no COM call is made). Prints
``{"functions": {name: __xlfunc__ without argmap}, "vba": text}``.
"""

import io
import json
import sys
import types


def stand_in_for_pywin32():
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *args: None
    win32com = types.ModuleType("win32com")
    win32com.client = client
    sys.modules.update(
        pythoncom=pythoncom,
        pywintypes=types.ModuleType("pywintypes"),
        win32com=win32com,
        **{"win32com.client": client},
    )


def main():
    stand_in_for_pywin32()
    import xlwings
    from xlwings import udfs as classic

    xlwings.func, xlwings.arg, xlwings.ret = (
        classic.xlfunc,
        classic.xlarg,
        classic.xlret,
    )
    import leak_udfs.udfs

    functions = {}
    for name in dir(leak_udfs.udfs):
        meta = getattr(getattr(leak_udfs.udfs, name), "__xlfunc__", None)
        if meta:
            functions[name] = {k: v for k, v in meta.items() if k != "argmap"}
    vba = io.StringIO()
    workbook = types.SimpleNamespace(Name="handoff_leak.xlsm")
    classic.generate_vba_wrapper("leak_udfs.udfs", leak_udfs.udfs, vba, workbook)
    json.dump({"functions": functions, "vba": vba.getvalue()}, sys.stdout, default=str)


if __name__ == "__main__":
    main()
