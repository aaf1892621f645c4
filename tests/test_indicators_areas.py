"""Cases of the land, mining-right and state-asset indicators (models/indicators/{land,mining,state_asset}.py).

Registered on import; tests/test_indicators.py runs them and checks every indicator has both outcomes.
"""

from __future__ import annotations

from models.codelists import Kind
from models.indicators import Status
from tests.indicator_cases import case

F, C, INS, N = Status.flagged, Status.clear, Status.insufficient_data, Status.not_applicable
A, R = "announcement", "result"
T0, T1 = "2024-03-01T09:00:00+08:00", "2024-04-20T16:00:00+08:00"
LAND = Kind.land

# -- land -----------------------------------------------------------------------------------------
case("L-AGREEMENT", F, LAND, (R, T1, {"supply_method": "协议出让", "land_use": "零售商业用地"}), name="commerce")
case("L-AGREEMENT", F, LAND, (R, T1, {"supply_method": "协议出让", "land_use": "城镇住宅用地"}), name="housing")
case("L-AGREEMENT", C, LAND, (R, T1, {"supply_method": "协议出让", "land_use": "公共管理与公共服务用地"}))
case("L-AGREEMENT", N, LAND, (R, T1, {"supply_method": "挂牌出让", "land_use": "零售商业用地"}))
case("L-AGREEMENT", INS, LAND, (R, T1, {"supply_method": "协议出让"}))

case("L-BELOWBENCH", F, LAND, (R, T1, {"supply_method": "协议出让", "price": "6000000.00", "area_m2": "10000.00",
                                       "benchmark_price": "1000"}), name="60pct")
case("L-BELOWBENCH", C, LAND, (R, T1, {"supply_method": "协议出让", "price": "7000000.00", "area_m2": "10000.00",
                                       "benchmark_price": "1000"}), name="exactly-70pct")
case("L-BELOWBENCH", INS, LAND, (R, T1, {"supply_method": "协议出让", "price": "7000000.00", "area_m2": "10000.00"}))
case("L-BELOWBENCH", N, LAND, (R, T1, {"supply_method": "拍卖出让"}))

case("L-SINGLEBIDDER", F, LAND, (R, T1, {"supply_method": "挂牌出让", "bidder_count": 1,
                                         "starting_price": "10000000.00", "price": "10040000.00"}), name="0.4pct")
case("L-SINGLEBIDDER", C, LAND, (R, T1, {"supply_method": "挂牌出让", "bidder_count": 1,
                                         "starting_price": "10000000.00", "price": "10100000.00"}), name="1pct")
case("L-SINGLEBIDDER", C, LAND, (R, T1, {"supply_method": "拍卖出让", "bidder_count": 4}), name="four")
case("L-SINGLEBIDDER", INS, LAND, (R, T1, {"supply_method": "挂牌出让"}))
case("L-SINGLEBIDDER", N, LAND, (R, T1, {"supply_method": "协议出让", "bidder_count": 1}))

case("L-SHORTNOTICE", F, LAND, (A, T0, {"supply_method": "挂牌出让", "listing_start": "2024-03-15T09:00:00+08:00"}),
     name="14-days")
case("L-SHORTNOTICE", C, LAND, (A, T0, {"supply_method": "挂牌出让", "listing_start": "2024-03-21T09:00:00+08:00"}),
     name="20-days")
case("L-SHORTNOTICE", INS, LAND, (R, T1, {"supply_method": "挂牌出让", "listing_start": "2024-03-21T09:00:00+08:00"}),
     name="no-announcement")
case("L-SHORTNOTICE", N, LAND, (A, T0, {"supply_method": "协议出让"}))

case("L-SHORTLISTING", F, LAND, (A, T0, {"supply_method": "挂牌出让", "listing_start": "2024-03-21T09:00:00+08:00",
                                         "listing_end": "2024-03-30T10:00:00+08:00"}), name="9-days")
case("L-SHORTLISTING", C, LAND, (A, T0, {"supply_method": "挂牌出让", "listing_start": "2024-03-21T09:00:00+08:00",
                                         "listing_end": "2024-03-31T10:00:00+08:00"}), name="10-days")
case("L-SHORTLISTING", INS, LAND, (A, T0, {"supply_method": "挂牌出让"}))
case("L-SHORTLISTING", N, LAND, (A, T0, {"supply_method": "拍卖出让"}))

# L-COMPARABLE compares parcels: the context gives the others' prices per m² (the store's own
# answers are tested in tests/test_flags.py).
PARCEL = {"price": "4000000.00", "area_m2": "10000.00", "land_use": "工业用地"}  # 400 元/m²
case("L-COMPARABLE", F, LAND, (R, T1, PARCEL), context={"prices": ["900", "1000", "1100"]}, name="40pct-of-median")
case("L-COMPARABLE", C, LAND, (R, T1, PARCEL), context={"prices": ["700", "800", "790", "810"]}, name="50pct")
case("L-COMPARABLE", INS, LAND, (R, T1, PARCEL), context={"prices": ["900", "1000"]}, name="two-comparables")
case("L-COMPARABLE", INS, LAND, (R, T1, {"price": "4000000.00"}), context={"prices": []}, name="no-area")

# -- mining rights --------------------------------------------------------------------------------
M = Kind.mining
case("M-AGREEMENT", F, M, (R, T1, {"method": "协议出让"}), name="no-ground")
case("M-AGREEMENT", F, M, (R, T1, {"method": "协议出让", "agreement_ground": "企业申请，经研究同意"}), name="other-ground")
case("M-AGREEMENT", C, M, (R, T1, {"method": "协议出让", "agreement_ground": "已设采矿权深部资源，与原矿业权人为同一主体"}))
case("M-AGREEMENT", N, M, (R, T1, {"method": "挂牌"}))
case("M-AGREEMENT", INS, M, (R, T1, {}))

case("M-RESERVE", F, M, (R, T1, {"method": "挂牌", "bidder_count": 1, "reserve_price": "5000000.00",
                                 "deal_price": "5000000.00"}), name="at-reserve")
case("M-RESERVE", F, M, (R, T1, {"method": "拍卖", "bidder_count": 1, "starting_price": "5000000.00",
                                 "deal_price": "5020000.00"}), name="starting-price")
case("M-RESERVE", C, M, (R, T1, {"method": "挂牌", "bidder_count": 3, "deal_price": "5000000.00"}))
case("M-RESERVE", C, M, (R, T1, {"method": "挂牌", "bidder_count": 1, "reserve_price": "5000000.00",
                                 "deal_price": "6000000.00"}), name="premium")
case("M-RESERVE", INS, M, (R, T1, {"method": "挂牌"}))
case("M-RESERVE", N, M, (R, T1, {"method": "协议出让", "bidder_count": 1}))

# -- state-owned property rights -----------------------------------------------------------------
S = Kind.state_asset
case("S-BELOWAPPRAISAL", F, S, (R, T1, {"deal_price": "9500000.00", "appraised_value": "10000000.00"}))
case("S-BELOWAPPRAISAL", C, S, (R, T1, {"deal_price": "10000000.00", "appraised_value": "10000000.00"}))
case("S-BELOWAPPRAISAL", INS, S, (R, T1, {"deal_price": "10000000.00"}))
case("S-BELOWAPPRAISAL", N, S, (A, T0, {"appraised_value": "10000000.00"}))

case("S-DISCOUNT90", F, S, (R, T1, {"listing_price": "8500000.00", "appraised_value": "10000000.00"}))
case("S-DISCOUNT90", C, S, (R, T1, {"listing_price": "8500000.00", "appraised_value": "10000000.00",
                                    "approving_authority": "某市国资委"}), name="approved")
case("S-DISCOUNT90", C, S, (R, T1, {"listing_price": "9000000.00", "appraised_value": "10000000.00"}), name="90pct")
case("S-DISCOUNT90", INS, S, (R, T1, {"listing_price": "8500000.00"}))

case("S-SINGLE", F, S, (R, T1, {"bidder_count": 1, "listing_count": 1}))
case("S-SINGLE", F, S, (R, T1, {"bidder_count": 1}), name="count-unknown")
case("S-SINGLE", C, S, (R, T1, {"bidder_count": 1, "listing_count": 2}), name="relisted")
case("S-SINGLE", C, S, (R, T1, {"bidder_count": 3}))
case("S-SINGLE", INS, S, (R, T1, {}))

# 2024-05-06 is a Monday: to 2024-05-31 (Fri) are 20 working days counting both ends.
case("S-SHORTLISTING", C, S, (A, T0, {"listing_start": "2024-05-06", "listing_end": "2024-05-31"}), name="20")
case("S-SHORTLISTING", F, S, (A, T0, {"listing_start": "2024-05-06", "listing_end": "2024-05-30"}), name="19")
case("S-SHORTLISTING", INS, S, (A, T0, {"listing_start": "2024-05-06"}))

# X-REPEAT compares projects: the context counts the pair's awards in the window.
AWARD = {"buyer": "某市教育局", "lots": [{"name": "1", "winners": [{"name": "某科技有限公司", "amount": "100.00"}]}]}
case("X-REPEAT", F, Kind.procurement, (R, T1, AWARD), context={"awards": 3})
case("X-REPEAT", C, Kind.procurement, (R, T1, AWARD), context={"awards": 2})
case("X-REPEAT", N, Kind.procurement, (A, T0, AWARD), context={"awards": 0}, name="no-award-yet")
case("X-REPEAT", INS, Kind.procurement, (R, T1, {"buyer": "某市教育局"}), context={"awards": 0}, name="no-winner")
