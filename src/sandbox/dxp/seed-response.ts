/**
 * The dxp-ux seed's success response for `PR 16654555678`, character for
 * character: served as text so amounts keep the seed's spelling (`0.00`,
 * `15.00`), which a parse-and-serialize round trip would turn into `0` and `15`.
 */
export const DXP_SEED_RESPONSE_TEXT = `[
    {
        "@type": "getAddons",
        "note": [
            {
                "text": "planType-Postpaid"
            }
        ],
        "productOrderItem": [
            {
                "product": {
                    "id": "PR_B2C_ULT_Extra_MB_Line",
                    "name": "Liberty U-Pick Mobile Plus",
                    "@type": "Plan"
                },
                "productOrderItem": [
                    {
                        "@type": "Addon",
                        "product": {
                            "id": "PR_B2C_Liberty_Home_Roadside_Assistance",
                            "name": "Liberty Home & Road Assistance"
                        },
                        "itemPrice": [
                            {
                                "name": "Liberty Home and Roadside Assistance $7.99",
                                "description": "Liberty Home and Roadside Assistance",
                                "price": {
                                    "dutyFreeAmount": {
                                        "unit": "USD",
                                        "value": 7.99
                                    }
                                }
                            }
                        ]
                    },
                    {
                        "@type": "Addon",
                        "product": {
                            "id": "PR_B2C_Mobile_IntRmg_Voice",
                            "name": "Liberty International Passport"
                        },
                        "itemPrice": [
                            {
                                "name": "Day Pass Roaming",
                                "description": "Internation Day Pass $10/day",
                                "price": {
                                    "dutyFreeAmount": {
                                        "unit": "USD",
                                        "value": 0.00
                                    }
                                }
                            }
                        ]
                    },
                    {
                        "@type": "Addon",
                        "product": {
                            "id": "PR_B2C_Mobile_Pospaid_International_Calling_Voice",
                            "name": "International Calling"
                        },
                        "itemPrice": [
                            {
                                "name": "Calling $15",
                                "description": "International calling Add-ons $15",
                                "price": {
                                    "dutyFreeAmount": {
                                        "unit": "USD",
                                        "value": 15.00
                                    }
                                }
                            }
                        ]
                    }
                ]
            }
        ]
    }
]`;
