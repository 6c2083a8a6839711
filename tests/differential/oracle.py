#!/usr/bin/env python3
"""The independent oracle of the differential test (tests/differential/main.rs).

It judges SOAP 1.1 envelopes with the pure-Python validator `xmlschema` in XSD 1.0 mode,
against the project's own schemas (schemas/soap11-envelope.xsd, which imports
services85.xsd): the same schemas, another validator, written by other people.

One thing is done before XSD, because SOAP 1.1 (section 4.2) says so and XSD cannot: the
SOAP attributes (`mustUnderstand`, `actor`, `encodingStyle`) of a header block are SOAP's,
not the block's type's. Each is checked against the envelope schema's own declaration of
that attribute, and then taken off the block, so the block is judged by its own type.

Usage: oracle.py SCHEMA_DIR MANIFEST. The manifest holds one file path a line; the answer
is one JSON object a line on stdout, in the manifest's order:
  {"file": PATH, "valid": bool, "wellformed": bool, "errors": [{"path", "reason"}]}
Paths are local names from the root, a sibling that is not the first of its local name
with a 1-based index (`/Envelope/Body[2]`), as the tool writes them. Nothing is fetched:
location hints are not used, and every parse is told to refuse the network.
"""

import json
import os
import sys

import xmlschema

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ATTRIBUTES = ("mustUnderstand", "actor", "encodingStyle")
MAX_ERRORS = 5


def local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def paths_of(root):
    """Element -> path, for every element of the tree."""
    out = {root: "/" + local(root.tag)}
    stack = [root]
    while stack:
        parent = stack.pop()
        seen = {}
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            name = local(child.tag)
            seen[name] = seen.get(name, 0) + 1
            index = "" if seen[name] == 1 else "[%d]" % seen[name]
            out[child] = out[parent] + "/" + name + index
            stack.append(child)
    return out


def soap_attribute_errors(schema, root, paths):
    """SOAP 1.1 section 4.2: check each header block's SOAP attributes, then drop them."""
    errors = []
    for header in root:
        if header.tag != "{%s}Header" % ENV:
            continue
        for block in header:
            if not isinstance(block.tag, str):
                continue
            for name in SOAP_ATTRIBUTES:
                qname = "{%s}%s" % (ENV, name)
                if qname not in block.attrib:
                    continue
                value = block.attrib.pop(qname)
                declaration = schema.maps.attributes[qname]
                for e in declaration.type.iter_errors(value):
                    errors.append({"path": paths[block], "reason": "%s=%r: %s" % (name, value, e.reason)})
    return errors


def judge(schema, path):
    try:
        with open(path, "rb") as f:
            data = f.read()
        resource = xmlschema.XMLResource(data, allow="none", defuse="always")
        root = resource.root
    except Exception as e:  # not well-formed, undecodable, a refused DTD: all malformed
        return {"valid": False, "wellformed": False, "errors": [{"path": "", "reason": str(e)}]}
    paths = paths_of(root)
    errors = soap_attribute_errors(schema, root, paths)
    try:
        for e in schema.iter_errors(resource, use_location_hints=False):
            elem = e.elem
            # A content-model error stands on the parent and gives the child's position:
            # the child is the element at fault, as the tool names it.
            index = getattr(e, "index", None)
            if elem is not None and isinstance(index, int) and 0 <= index < len(elem):
                elem = elem[index]
            errors.append({"path": paths.get(elem, ""), "reason": str(e.reason)})
            if len(errors) >= MAX_ERRORS:
                break
    except Exception as e:  # the validator itself gave up: say so, never guess
        errors.append({"path": "", "reason": "oracle error: %s: %s" % (type(e).__name__, e)})
    return {"valid": not errors, "wellformed": True, "errors": errors[:MAX_ERRORS]}


def main():
    schema_dir, manifest = sys.argv[1], sys.argv[2]
    schema = xmlschema.XMLSchema10(os.path.join(schema_dir, "soap11-envelope.xsd"), allow="local")
    out = sys.stdout
    with open(manifest, encoding="utf-8") as files:
        for line in files:
            path = line.rstrip("\n")
            if not path:
                continue
            verdict = judge(schema, path)
            verdict["file"] = path
            out.write(json.dumps(verdict, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
